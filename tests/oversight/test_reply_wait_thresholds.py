"""The supervisors' thresholds for reply waits: their form on the overview, audited."""

from audit.models import AuditEntry
from chat import reply_waits
from chat.models import ReplyWaitThresholds
from common.refusals import NotAllowed
from tests.conftest import log_in

URL = "/medewerkers/overzicht/antwoordtijd/"


def entries():
    return list(
        AuditEntry.objects.filter(action=AuditEntry.Action.REPLY_WAITS_CHANGED).values_list(
            "actor_name", "detail"
        )
    )


def test_a_supervisor_sets_the_thresholds_and_the_audit_log_has_the_numbers(client, sam):
    log_in(client, sam)
    assert 'name="amber_minutes"' in client.get("/medewerkers/overzicht/").content.decode()
    response = client.post(URL, {"amber_minutes": "3", "red_minutes": "8"})
    assert response.status_code == 302
    limits = reply_waits.thresholds()
    assert (limits.amber_seconds, limits.red_seconds) == (180, 480)
    assert entries() == [("sam", "amber=180s red=480s")]
    page = client.get("/medewerkers/overzicht/").content.decode()
    assert 'name="amber_minutes" value="3"' in page


def test_a_counsellor_may_not_change_them(client, hana):
    log_in(client, hana)
    response = client.post(URL, {"amber_minutes": "1", "red_minutes": "2"})
    assert response.status_code == 403
    assert not ReplyWaitThresholds.objects.exists()
    assert entries() == []
    try:
        reply_waits.set_thresholds(hana, amber_seconds=60, red_seconds=120)
    except NotAllowed:
        pass
    else:
        raise AssertionError("a counsellor changed the thresholds")
    assert not ReplyWaitThresholds.objects.exists()


def test_red_comes_after_amber(client, sam):
    log_in(client, sam)
    response = client.post(URL, {"amber_minutes": "5", "red_minutes": "5"})
    assert response.status_code == 400
    assert "Rood komt na oranje" in response.content.decode()
    assert not ReplyWaitThresholds.objects.exists()
    assert entries() == []
