"""Ship the default scorecard (DOMAIN §7: speed 30 %, resolution 25 %, satisfaction 25 %, technical support 20 %) and checklist."""

from django.db import migrations

INDICATORS = [
    # name, source, weight, higher is better, thresholds of scores 2, 3, 4, 5
    ("响应速度", "first_response_time_mean", 30, False, (30, 15, 5, 2)),
    ("解决率", "resolution_sla_rate", 25, True, (70, 80, 90, 95)),
    ("客户满意度", "satisfaction", 25, True, (3.0, 3.5, 4.0, 4.5)),
    ("技术支持", "answer_accuracy", 20, True, (60, 70, 80, 90)),
]
CHECKLIST = [
    ("问候语规范", "Greeting and closing follow the standard wording", 20),
    ("解答准确", "The answer is correct and complete", 40),
    ("规范用语", "Standard service language, no forbidden phrases", 20),
    ("问题解决", "The customer's problem is resolved or clearly handed on", 20),
]


def seed(apps, schema_editor):
    Scheme = apps.get_model("kpi", "ScorecardScheme")
    Indicator = apps.get_model("kpi", "ScorecardIndicator")
    Item = apps.get_model("kpi", "QualityCheckItem")
    if not Scheme.objects.exists():
        scheme = Scheme.objects.create(name="默认考核方案 Default scheme")
        for position, (name, source, weight, higher, steps) in enumerate(INDICATORS):
            Indicator.objects.create(scheme=scheme, name=name, source=source, weight=weight, is_higher_better=higher,
                                     threshold_2=steps[0], threshold_3=steps[1], threshold_4=steps[2],
                                     threshold_5=steps[3], position=position)
    for position, (name, description, weight) in enumerate(CHECKLIST):
        Item.objects.get_or_create(name=name, defaults={"description": description, "weight": weight,
                                                        "position": position})


class Migration(migrations.Migration):
    dependencies = [("kpi", "0005_add_scorecards_quality")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
