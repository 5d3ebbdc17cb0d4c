from django.core.management.base import BaseCommand

from celldecide.web.readings.services import shared_readings_purge


class Command(BaseCommand):
    help = "Delete shared readings older than their 30-day lifetime."

    def handle(self, *args, **options):
        self.stdout.write(f"{shared_readings_purge()} expired shared readings deleted")
