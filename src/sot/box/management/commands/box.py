"""`sot box`: pair this install with central as a box, sync it, and (on central)
issue and revoke box tokens."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sot.box import services, sync
from sot.box.models import Box
from sot.errors import SotError


class Command(BaseCommand):
    help = (
        "A box at a point: `init --central URL --token TOKEN` pairs this install with "
        "central; `sync` pushes the records made here and pulls the register, events, "
        "activations, warnings and the public snapshot; `status` shows the link. On "
        "central: `token create NAME --points kall,...`, `token revoke NAME`, `list`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init", help="Pair this install with central.")
        init.add_argument("--central", required=True, help="Central's address (URL).")
        init.add_argument("--token", required=True, help="The box token from central.")
        sync_p = sub.add_parser("sync", help="Push, pull and fetch the snapshot now.")
        sync_p.add_argument(
            "--no-snapshot", action="store_true", help="Skip the public snapshot."
        )
        sub.add_parser("status", help="The link to central and the last sync.")
        token = sub.add_parser("token", help="On central: issue or revoke box tokens.")
        token_sub = token.add_subparsers(dest="token_action", required=True)
        create = token_sub.add_parser("create", help="Issue a token for a new box.")
        create.add_argument("name", help="The box's name, e.g. kall-box.")
        create.add_argument(
            "--points", required=True, help="Comma-separated point ids, e.g. kall."
        )
        revoke = token_sub.add_parser("revoke", help="Revoke a box's token.")
        revoke.add_argument("name")
        sub.add_parser("list", help="On central: the boxes and when each was heard.")

    def handle(self, *args, action, **o):
        try:
            getattr(self, f"_{action}")(**o)
        except (SotError, sync.SyncFailed) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from exc

    def _init(self, *, central, token, **o):
        link = sync.pair(central_url=central, token=token)
        self.stdout.write(
            f"Box {link.name} kopplad till {link.central_url} för "
            f"{', '.join(link.point_slugs)}. Kör `sot box sync` (schemaläggaren gör "
            "det sedan av sig själv)."
        )

    def _sync(self, *, no_snapshot=False, **o):
        result = sync.sync(snapshot=not no_snapshot)
        pulled = ", ".join(f"{k} {v}" for k, v in result.pulled.items())
        self.stdout.write(
            f"Skickade {result.pushed} poster; hämtade {pulled}; "
            f"ögonblicksbild {result.snapshot_files} filer."
        )
        for line in result.refused:
            self.stderr.write(f"Central tog inte emot: {line}")

    def _status(self, **o):
        link = sync.link()
        if link is None:
            self.stdout.write("Ingen box: den här installationen är central.")
            return
        self.stdout.write(f"Box {link.name} → {link.central_url}")
        self.stdout.write(f"Punkter: {', '.join(link.point_slugs)}")
        self.stdout.write(f"Senaste synk: {link.last_sync_at or '–'}")
        self.stdout.write(f"Ögonblicksbild från: {link.snapshot_at or '–'}")
        self.stdout.write(f"Väntar på att skickas: {len(sync.outgoing())}")
        if link.last_error:
            self.stdout.write(f"Senaste fel: {link.last_error}")

    def _token(self, *, token_action, name, points=None, **o):
        if token_action == "create":
            slugs = [s.strip() for s in points.split(",") if s.strip()]
            box, secret = services.issue_box(name=name, point_slugs=slugs, by=None)
            self.stdout.write(
                f"Box {box.name} för {', '.join(slugs)}. Nyckeln visas bara nu:"
            )
            self.stdout.write(secret)
        else:
            box = services.revoke_box(name=name)
            self.stdout.write(f"Boxens nyckel återkallad: {box.name}")

    def _list(self, **o):
        now = timezone.now()
        for box in Box.objects.prefetch_related("points"):
            heard = (
                f"{(now - box.last_seen_at)} sedan" if box.last_seen_at else "aldrig"
            )
            state = "återkallad" if box.revoked_at else "aktiv"
            points = ", ".join(p.slug for p in box.points.all())
            self.stdout.write(f"{box.name}\t{state}\t{points}\thörd {heard}")
