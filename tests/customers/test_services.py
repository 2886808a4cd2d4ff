import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from customers import workflow
from customers.contacts import phone_normalize, phone_validate
from customers.models import Customer, CustomerImport, CustomerMerge, PiiRequest, PiiReveal
from customers.selectors import customer_everything, customer_stats, customer_timeline
from customers.services import (
    customer_anonymize, customer_create, customer_import_create, customer_import_run, customer_merge,
)
from tests.factories import CustomerFactory, OrderFactory, TicketFactory, TicketMessageFactory

HEADER = "name,phone,email,city,level,tags,birthday\n"


@pytest.mark.parametrize(("raw", "normalized"), [
    ("+86 138-0013-8000", "13800138000"), ("0086 13800138000", "13800138000"), ("8613800138000", "13800138000"),
    ("(010) 6234-5678", "01062345678"), ("+44 7911 123456", "+447911123456"), ("138.0013.8000", "13800138000"),
    ("+86 10 6234 5678", "01062345678"), ("0086 21 8765 4321", "02187654321"), ("+86 571 8765 4321", "057187654321"),
])
def test_phone_normalize_any_format(raw, normalized):
    assert phone_normalize(raw) == normalized
    assert phone_validate(raw) == normalized


@pytest.mark.parametrize("raw", ["12345", "23800138000", "+0 123", "abc", "1380013800", "+1 23"])
def test_phone_validate_rejects(raw):
    with pytest.raises(ValidationError):
        phone_validate(raw)


@pytest.mark.parametrize(("raw", "valid"), [("+86 138 0013 8000", True), ("+86 10 6234 5678", True), ("021-87654321", True),
                                            ("+44 7911 123456", False), ("+1 415 555 0100", False), ("badphone", False)])
def test_phone_validate_mainland_only_refuses_other_countries(raw, valid):
    if valid:
        assert phone_validate(raw, mainland_only=True)
        return
    with pytest.raises(ValidationError) as refused:
        phone_validate(raw, mainland_only=True)
    assert refused.value.code == "invalid_phone"


def test_review_workflow_is_pure():
    workflow.ensure_allowed("none", "pending")
    workflow.ensure_allowed("pending", "rejected")
    with pytest.raises(ValidationError):
        workflow.ensure_allowed("none", "approved")
    with pytest.raises(ValidationError):
        workflow.ensure_allowed("approved", "rejected")


@pytest.mark.django_db
def test_merge_moves_orders_tickets_contacts_and_loses_nothing(supervisor, manager):
    survivor = CustomerFactory(phone="13800138000", tags=["高价值"])
    duplicate = CustomerFactory(phone="13800138000", email="dup@example.com", tags=["多次投诉"], city="", notes="老客户")
    orders = [OrderFactory(customer=duplicate) for _ in range(2)]
    tickets = [TicketFactory(customer=duplicate) for _ in range(3)]
    merge = customer_merge(actor=supervisor, survivor=survivor, duplicate=duplicate)
    assert {o.customer_id for o in type(orders[0]).objects.filter(pk__in=[o.pk for o in orders])} == {survivor.pk}
    assert {t.customer_id for t in type(tickets[0]).objects.filter(pk__in=[t.pk for t in tickets])} == {survivor.pk}
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert set(survivor.tags) == {"高价值", "多次投诉"} and "老客户" in survivor.notes
    assert "dup@example.com" in survivor.contacts.values_list("normalized", flat=True)
    assert merge.moved["orders.order"] == 2 and merge.moved["tickets.ticket"] == 3
    assert merge.snapshot["contacts"] and CustomerMerge.objects.get(duplicate=duplicate) == merge
    assert customer_stats(customer=survivor)["orders"] == 2
    kinds = [item["kind"] for item in customer_timeline(viewer=manager, customer=survivor, limit=50)["results"]]
    assert "archive" in kinds and kinds.count("ticket") == 3


@pytest.mark.django_db
def test_merge_with_itself_or_a_merged_one_is_refused(supervisor, agent):
    a, b, c = CustomerFactory(), CustomerFactory(), CustomerFactory()
    with pytest.raises(ValidationError):
        customer_merge(actor=supervisor, survivor=a, duplicate=a)
    customer_merge(actor=supervisor, survivor=a, duplicate=b)
    with pytest.raises(ValidationError):
        customer_merge(actor=supervisor, survivor=c, duplicate=b)
    with pytest.raises(PermissionDenied):
        customer_merge(actor=agent, survivor=a, duplicate=c)


@pytest.mark.django_db
def test_merge_api_answers_400_for_self_merge_and_201_otherwise(api_client, supervisor, agent):
    a, b = CustomerFactory(), CustomerFactory()
    api_client.force_authenticate(agent)
    assert api_client.post("/api/v1/customers/merge/", {"survivor": a.pk, "duplicate": b.pk}, format="json").status_code == 403
    api_client.force_authenticate(supervisor)
    assert api_client.post("/api/v1/customers/merge/", {"survivor": a.pk, "duplicate": a.pk}, format="json").status_code == 400
    assert api_client.post("/api/v1/customers/merge/", {"survivor": a.pk, "duplicate": 99999}, format="json").status_code == 400
    assert api_client.post("/api/v1/customers/merge/", {"survivor": a.pk, "duplicate": b.pk}, format="json").status_code == 201
    assert api_client.post("/api/v1/customers/merge/", {"survivor": a.pk, "duplicate": b.pk}, format="json").status_code == 400
    assert api_client.get(f"/api/v1/customers/{b.pk}/").status_code == 404


@pytest.mark.django_db
def test_anonymize_erases_personal_fields_and_keeps_statistics(manager, supervisor):
    customer = customer_create(actor=manager, name="王芳", phones=["13800138000"], emails=["w@example.com"],
                               addresses=["上海市浦东新区世纪大道100号"], birthday="1990-01-02", notes="VIP")
    OrderFactory(customer=customer)
    TicketFactory(customer=customer, kind="complaint")
    before = customer_stats(customer=customer)
    customer_anonymize(actor=manager, customer=customer, reason="客户申请删除个人信息")
    customer.refresh_from_db()
    assert customer.name.startswith("匿名客户") and not customer.phone and not customer.email and customer.birthday is None
    assert not customer.contacts.exists() and not customer.addresses.exists()
    assert customer_stats(customer=customer) == before
    assert PiiRequest.objects.get(customer=customer).kind == "anonymize"
    dump = str(customer_everything(customer=customer))
    assert "13800138000" not in dump and "世纪大道" not in dump
    with pytest.raises(PermissionDenied):
        customer_anonymize(actor=supervisor, customer=CustomerFactory())


@pytest.mark.django_db
def test_pii_export_is_recorded_and_manager_only(client_for, manager, agent):
    customer = CustomerFactory(phone="13800138000")
    TicketMessageFactory(ticket=TicketFactory(customer=customer))
    assert client_for(agent).post(f"/customers/{customer.pk}/personal-data/").status_code == 403
    response = client_for(manager).post(f"/customers/{customer.pk}/personal-data/", {"reason": "客户申请"})
    assert response.status_code == 200 and "13800138000" in response.content.decode()
    assert response.json()["tickets"][0]["messages"]
    assert PiiRequest.objects.get().kind == "export"


def test_reveal_log_is_append_only(db, agent):
    reveal = PiiReveal.objects.create(viewer=agent, customer=CustomerFactory(), field="phone", reason="回电")
    reveal.reason = "改掉"
    with pytest.raises(PermissionDenied):
        reveal.save()
    with pytest.raises(PermissionDenied):
        reveal.delete()


def _import(user, content: bytes, name="customers.csv", mode=CustomerImport.Mode.ALL_OR_NOTHING):
    job = customer_import_create(actor=user, upload=SimpleUploadedFile(name, content), mode=mode)
    return customer_import_run(import_id=job.pk)


def _rows(count, bad_every=0):
    lines = [HEADER]
    for i in range(count):
        phone = "12345" if bad_every and i % bad_every == 0 else f"137{i:08d}"
        lines.append(f"客户{i},{phone},c{i}@example.com,上海,vip,高价值;多次投诉,1990-01-0{i % 9 + 1}\n")
    return "".join(lines)


@pytest.mark.django_db
def test_import_gbk_csv(agent):
    job = _import(agent, "姓名,手机,邮箱,城市\n王芳,+86 138-0013-8000,wang@example.com,上海\n".encode("gbk"))
    assert job.status == "done" and job.created_count == 1
    customer = Customer.objects.get(name="王芳")
    assert customer.phone == "13800138000" and customer.contacts.count() == 2 and customer.city == "上海"


@pytest.mark.django_db
def test_import_wrong_header_changes_nothing(agent):
    job = _import(agent, "name,telephone_number\n王芳,13800138000\n".encode())
    assert job.status == "failed" and "telephone_number" in job.message and not Customer.objects.exists()


@pytest.mark.django_db
def test_import_binary_garbage_is_reported(agent):
    job = _import(agent, bytes(range(256)) * 4)
    assert job.status == "failed" and not Customer.objects.exists()


@pytest.mark.django_db
def test_import_ten_percent_bad_rows_all_or_nothing_changes_nothing(agent):
    job = _import(agent, _rows(100, bad_every=10).encode())
    assert job.status == "failed" and job.error_count == 10 and not Customer.objects.exists()
    assert {e["row"] for e in job.errors} == {2 + i for i in range(0, 100, 10)}


@pytest.mark.django_db
def test_import_ten_percent_bad_rows_valid_rows_mode_imports_the_rest(agent):
    job = _import(agent, _rows(100, bad_every=10).encode(), mode=CustomerImport.Mode.VALID_ROWS)
    assert job.status == "done" and job.created_count == 90 and job.error_count == 10
    assert Customer.objects.count() == 90
    assert Customer.objects.first().tags == ["高价值", "多次投诉"]


@pytest.mark.django_db
def test_import_rejects_phones_already_in_the_archive_or_twice_in_the_file(agent):
    CustomerFactory(phone="13800138000")
    content = HEADER + "甲,13800138000,,,,,\n乙,13900139000,,,,,\n丙,139-0013-9000,,,,,\n"
    job = _import(agent, content.encode(), mode=CustomerImport.Mode.VALID_ROWS)
    assert job.created_count == 1 and {e["row"] for e in job.errors} == {2, 4}


@pytest.mark.django_db
def test_import_xlsx(agent):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "phone", "email", "level"])
    sheet.append(["王芳", 13800138000, "w@example.com", "svip"])
    sheet.append(["坏行", "bad", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = _import(agent, buffer.getvalue(), name="customers.xlsx", mode=CustomerImport.Mode.VALID_ROWS)
    assert job.created_count == 1 and job.error_count == 1
    assert Customer.objects.get().level == "svip"


@pytest.mark.django_db
def test_import_api_and_error_report(api_client, client_for, agent):
    api_client.force_authenticate(agent)
    upload = SimpleUploadedFile("c.csv", _rows(10, bad_every=5).encode())
    response = api_client.post("/api/v1/customers/imports/", {"file": upload, "mode": "valid_rows"}, format="multipart")
    assert response.status_code == 201 and response.json()["created_count"] == 8
    job_id = response.json()["id"]
    assert api_client.get(f"/api/v1/customers/imports/{job_id}/").json()["error_count"] == 2
    report = client_for(agent).get(f"/customers/import/{job_id}/errors.csv").content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(report)))) == 3
    bad = api_client.post("/api/v1/customers/imports/", {"file": SimpleUploadedFile("c.txt", b"x")}, format="multipart")
    assert bad.status_code == 400 and "file" in bad.json()


@pytest.mark.django_db
def test_big_import_goes_to_the_worker(client_for, agent, django_capture_on_commit_callbacks, monkeypatch):
    from customers import tasks

    monkeypatch.setattr(tasks, "INLINE_IMPORT_BYTES", 10)
    sent = []
    monkeypatch.setattr(tasks.customer_import_run, "delay", lambda **kw: sent.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(agent).post("/customers/import/", {"file": SimpleUploadedFile("c.csv", _rows(5).encode()),
                                                                 "mode": "valid_rows"})
    assert response.status_code == 302 and len(sent) == 1
    page = client_for(agent).get(response.url)
    assert "hx-trigger=\"every 1s\"" in page.content.decode()
    tasks.customer_import_run(**sent[0])
    assert Customer.objects.count() == 5


@pytest.mark.django_db
def test_customer_stats_count_returns_and_average_surveys_whatever_the_model_order():
    from decimal import Decimal

    from followups.models import Survey, SurveyResponse
    from customers.selectors import customer_stats
    from orders.models import ReturnRequest
    from tests.factories import CustomerFactory, OrderFactory

    customer = CustomerFactory()
    assert customer_stats(customer=customer)["returns"] == 0
    order = OrderFactory(customer=customer)
    ReturnRequest.objects.create(number="R-STATS-1", order=order, customer=customer, reason="quality")
    survey = Survey.objects.create(customer=customer, expires_at=order.placed_at)
    SurveyResponse.objects.create(survey=survey, customer=customer, overall=4, score=Decimal("3.50"))
    stats = customer_stats(customer=customer)
    assert stats["returns"] == 1
    assert stats["average_satisfaction"] == 3.5


@pytest.mark.django_db
def test_imports_still_pending_after_the_grace_period_are_run_again(agent, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from customers import tasks
    from customers.services import customer_import_sweep_pending
    from helpdesk.enqueue import SWEEP_GRACE

    pending = CustomerImport.objects.create(file="customer-imports/c.csv", original_name="c.csv", created_by=agent)
    CustomerImport.objects.create(file="customer-imports/d.csv", original_name="d.csv", created_by=agent,
                                  status=CustomerImport.Status.DONE)
    sent = []
    monkeypatch.setattr(tasks.customer_import_run, "delay", lambda **kwargs: sent.append(kwargs))
    assert customer_import_sweep_pending() == 0
    assert customer_import_sweep_pending(now=timezone.now() + SWEEP_GRACE + timedelta(seconds=1)) == 1
    assert sent == [{"import_id": pending.pk}]


@pytest.mark.django_db
def test_import_error_report_keeps_formulas_as_text(client_for, agent):
    job = _import(agent, (HEADER + "王芳,12345,,上海,vip,,\n").encode(), mode=CustomerImport.Mode.VALID_ROWS)
    # A report line that carries a cell of the file as it was typed.
    CustomerImport.objects.filter(pk=job.pk).update(errors=[*job.errors, {"row": 3, "column": "@x", "message": "=1+2"}])
    report = client_for(agent).get(f"/customers/import/{job.pk}/errors.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(report)))
    assert rows[-1] == ["3", "'@x", "'=1+2"] and len(rows) == 3
