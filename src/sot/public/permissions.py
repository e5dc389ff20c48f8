"""Actions of the public app, registered with the shared policy."""

from sot.accounts.models import Role
from sot.accounts.policy import register_action

POST_MESSAGE = register_action(
    "public_message.post", roles={Role.COUNTY_COORDINATOR, Role.MUNICIPAL_OFFICER}
)
