"""``sot publish DIR``: write the whole public site to DIR atomically."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sot.public import conf, site
from sot.public.core import snapshot


class Command(BaseCommand):
    help = (
        "Write the public site (HTML in Swedish and English, CSS, GeoJSON, CSV, CAP, "
        "Atom, PDF notices) to DIR atomically: a new folder is built, then DIR (a "
        "symbolic link) is switched to it; manifest.json lists every file's SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory",
            nargs="?",
            default=None,
            help="Target folder (default: SOT_PUBLISH_DIR).",
        )
        parser.add_argument(
            "--keep", type=int, default=2, help="How many builds to keep (default 2)."
        )
        parser.add_argument(
            "--verify", action="store_true", help="Only check DIR against its manifest."
        )
        parser.add_argument(
            "--push",
            metavar="URL",
            default=None,
            help="Then push the changed files to object storage, e.g. "
            "s3://bucket/prefix (default: SOT_PUBLISH_PUSH_URL; needs sot[s3]).",
        )

    def handle(self, *args, directory=None, keep=2, verify=False, push=None, **options):
        target = directory or settings.PUBLISH_DIR
        if not target:
            raise CommandError("Give a folder or set SOT_PUBLISH_DIR.")
        if verify:
            bad = snapshot.verify(target)
            if bad:
                raise CommandError(
                    f"{len(bad)} file(s) differ from the manifest: "
                    + ", ".join(bad[:10])
                )
            self.stdout.write(f"{target}: every file matches manifest.json")
            return
        result = site.publish(target, keep=keep)
        verb = "Publicerade" if result.changed else "Oförändrat:"
        self.stdout.write(
            f"{verb} {result.files} filer i {result.path} -> {result.build.name}"
        )
        try:
            pushed = site.push_to_storage(target, push)
        except ImportError as exc:
            raise CommandError(
                "Att skicka till objektlagring kräver boto3: pip install 'sot[s3]'"
            ) from exc
        if pushed is not None:
            self.stdout.write(
                f"Skickade {len(pushed.uploaded)} ändrade filer till "
                f"{push or conf.push_url()}, tog bort {len(pushed.deleted)}, "
                f"{pushed.unchanged} oförändrade"
            )
