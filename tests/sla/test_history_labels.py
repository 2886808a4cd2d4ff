"""The ticket history shows SLA values in words: a deadline's name, an extension as a humanised duration."""

from django.utils import translation

from sla.selectors import sla_history_labels


def test_a_deadline_key_reads_as_its_name():
    with translation.override("zh-hans"):
        labels = sla_history_labels(values={"first_response", "resolution", "open", ""})
    assert labels == {"first_response": "首次响应", "resolution": "问题解决"}


def test_an_extension_reads_as_a_duration_and_the_deadline():
    with translation.override("zh-hans"):
        labels = sla_history_labels(values={"+90 min first_response", "+30 min", "+30 min nonsense"})
    assert labels == {"+90 min first_response": "+1小时30分 首次响应", "+30 min": "+30分钟"}
