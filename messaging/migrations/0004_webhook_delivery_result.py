"""Deliveries show the tenant a result class instead of error text: `last_result` is filled from
the status code of past attempts, and `last_error` (which could carry internal addresses and
socket errors) is dropped."""

from django.db import migrations, models


def results_from_codes(apps, schema_editor):
    Delivery = apps.get_model("messaging", "WebhookDelivery")
    for digit in (2, 3, 4, 5):
        Delivery.objects.filter(
            last_status_code__gte=digit * 100, last_status_code__lt=digit * 100 + 100
        ).update(last_result=f"{digit}xx")
    Delivery.objects.filter(attempts__gt=0, last_result="").update(last_result="connection failed")


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0003_opt_out_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookdelivery",
            name="last_result",
            field=models.CharField(
                blank=True,
                choices=[
                    ("2xx", "The receiver answered 2xx"),
                    ("3xx", "The receiver answered 3xx (redirects are not followed)"),
                    ("4xx", "The receiver answered 4xx"),
                    ("5xx", "The receiver answered 5xx"),
                    ("timeout", "No answer in time"),
                    ("refused by policy", "The address is not allowed (not public, or not https)"),
                    ("connection failed", "No connection or no valid HTTP answer"),
                ],
                max_length=24,
            ),
        ),
        migrations.RunPython(results_from_codes, migrations.RunPython.noop),
        migrations.RemoveField(model_name="webhookdelivery", name="last_error"),
    ]
