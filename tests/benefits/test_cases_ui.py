"""Staff pages: the queue and the e-case page, their access and their query counts."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from benefits.models import Application, Award
from gfss.org.models import Role
from tests.benefits.cases import case_received, insured_person

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_queue_lists_the_branch_cases_by_deadline_with_overdue_highlighted(specialist):
    # given two cases, one overdue
    late = case_received(insured_person())
    fresh = case_received(insured_person(), received_on=timezone.localdate())
    # when the specialist opens the queue
    page = _client(specialist).get("/ru/cases/").content.decode()
    # then the overdue case comes first, highlighted, and the counters count both
    assert page.index(str(late.uuid)) < page.index(str(fresh.uuid))
    assert 'class="overdue"' in page
    assert 'id="count-open">2<' in page
    assert 'id="count-overdue">1<' in page


def test_queue_filters(specialist):
    case = case_received(insured_person())
    client = _client(specialist)
    assert str(case.uuid) not in client.get("/en/cases/?benefit=job_loss").content.decode()
    assert str(case.uuid) not in client.get("/en/cases/?channel=portal").content.decode()
    assert str(case.uuid) in client.get("/en/cases/?benefit=childcare&overdue=1").content.decode()


def test_the_case_page_shows_the_trace_in_the_active_language_and_changes_nothing(specialist):
    # given a received case
    case = case_received(insured_person())
    # when the specialist opens it in Kazakh
    page = _client(specialist).get(f"/kk/cases/{case.uuid}/").content.decode()
    # then the trace labels are Kazakh, the contributions and checks are shown
    assert "Орташа айлық табыс" in page
    assert 'id="contributions"' in page
    assert "<kbd>a</kbd>" in page
    # and opening it changed nothing: no review started, no event written
    assert Application.objects.get(pk=case.pk).status == "received"
    assert case.events.count() == 1


def test_assign_lands_on_the_next_case(specialist):
    # given two cases
    first = case_received(insured_person())
    second = case_received(insured_person())
    client = _client(specialist)
    client.get(f"/ru/cases/{first.uuid}/")
    # when the specialist assigns the first
    response = client.post(f"/ru/cases/{first.uuid}/assign", {"override_gross": "", "comment": ""})
    # then an award exists and she lands on the second
    assert Award.objects.filter(application=first).exists()
    assert response.status_code == 302
    assert response["Location"] == f"/ru/cases/{second.uuid}/"


def test_a_refusal_confirmed_by_the_head_in_the_browser_pages(specialist, make_staff):
    case = case_received(insured_person())
    _client(specialist).post(
        f"/ru/cases/{case.uuid}/refuse", {"reason_code": "other", "reason_text": "No documents"}
    )
    head = _client(make_staff(Role.HEAD))
    assert 'id="confirm-button"' in head.get(f"/ru/cases/{case.uuid}/").content.decode()
    head.post(f"/ru/cases/{case.uuid}/confirm")
    assert Application.objects.get(pk=case.pk).status == "refused"


def test_a_failed_action_comes_back_with_the_message(specialist, make_staff):
    case = case_received(insured_person())
    _client(make_staff()).post(f"/en/cases/{case.uuid}/assign", {})
    response = _client(specialist).post(f"/en/cases/{case.uuid}/assign", {}, follow=True)
    assert "cannot be assigned now" in response.content.decode()


def test_other_branches_get_404_and_the_analyst_reads(make_staff):
    case = case_received(insured_person())
    astana = _client(make_staff(Role.SPECIALIST, region="71"))
    assert astana.get(f"/ru/cases/{case.uuid}/").status_code == 404
    assert astana.post(f"/ru/cases/{case.uuid}/assign", {}).status_code == 404
    assert str(case.uuid) not in astana.get("/ru/cases/").content.decode()
    analyst = _client(make_staff(Role.ANALYST))
    page = analyst.get(f"/ru/cases/{case.uuid}/").content.decode()
    assert 'id="assign-button"' not in page
    assert Application.objects.get(pk=case.pk).status == "received"


def test_the_admin_filters_by_branch_and_never_deletes_history(make_staff, specialist):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from benefits.models import ApplicationEvent

    case = case_received(insured_person())
    request = RequestFactory().get("/")
    admin = site._registry[Application]
    request.user = make_staff(Role.SPECIALIST, region="71")
    assert not admin.get_queryset(request).exists()
    request.user = specialist
    assert admin.get_queryset(request).get() == case
    event_admin = site._registry[ApplicationEvent]
    assert event_admin.has_delete_permission(request) is False
    assert event_admin.has_change_permission(request) is False


@pytest.mark.parametrize("extra", [2, 8])
def test_page_query_counts_do_not_grow_with_rows(specialist, extra, django_assert_num_queries):
    # given some cases, the first with an award (its page shows the most)
    cases = [case_received(insured_person()) for _ in range(extra)]
    client = _client(specialist)
    client.post(f"/ru/cases/{cases[0].uuid}/assign", {})
    client.get("/ru/cases/")  # warm the session and the permission cache
    # then the queue and the e-case page take the same number of queries however many rows
    with django_assert_num_queries(QUEUE_QUERIES):
        client.get("/ru/cases/?overdue=1")
    with django_assert_num_queries(CASE_QUERIES):
        client.get(f"/ru/cases/{cases[0].uuid}/")


QUEUE_QUERIES = 6
# the award, its entitlement, decisions, life events, months; the OPV rate; the access log row
CASE_QUERIES = 23


def test_dates_in_the_queue_are_deadlines(specialist):
    case = case_received(insured_person(), received_on=timezone.localdate() - timedelta(days=1))
    assert case.decision_due > timezone.localdate() - timedelta(days=1)


def test_the_dashboard_counts_the_specialists_cases(specialist):
    case_received(insured_person())
    client = Client()
    client.force_login(specialist)
    page = client.get("/en/").content.decode()
    assert "Open e-cases" in page
    assert "Waiting for confirmation" in page
