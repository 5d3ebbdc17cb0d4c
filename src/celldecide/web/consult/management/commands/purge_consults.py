from django.core.management.base import BaseCommand

from celldecide.web.consult.services import shared_consults_purge


class Command(BaseCommand):
    help = "Delete shared consult worksheets older than their 30-day lifetime."

    def handle(self, *args, **options):
        self.stdout.write(f"{shared_consults_purge()} expired consult worksheets deleted")
