from loopin.payments.models import Order
from loopin.payments.tests.helpers import buy, sandbox_webhook


def test_a_buyer_pays_through_the_sandbox_and_gets_a_ticket(api, paid_event, buyer_headers):
    r = buy(api, buyer_headers, paid_event)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["total"] == "548.90"
    order = Order.objects.get(id=data["id"])
    r = sandbox_webhook(api, order)
    assert r.status_code == 200, r.text
    r = api.get("/api/me/tickets", headers=buyer_headers)
    assert r.json()["meta"]["total"] == 1
