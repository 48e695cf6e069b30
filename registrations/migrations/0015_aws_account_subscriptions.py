from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0014_registration_aws_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="awsaccount",
            name="events_topic_arn",
            field=models.CharField(
                blank=True,
                help_text="the account's own SNS topic of SMS delivery events and inbound messages",
                max_length=256,
            ),
        ),
        migrations.AddField(
            model_name="awsaccount",
            name="subscriptions",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
