"""An organisation's earnings view: each of its events' figures, to its owner and admins only."""

from __future__ import annotations

from decimal import Decimal

from loopin.invoices.tests.helpers import paid_order
from loopin.organisations.tests.conftest import make_org
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for


def _path(org):
    return f"/api/v2/payouts/organisations/{org.organisation.id}/earnings"


def test_the_owner_sees_each_event_with_its_earnings_and_smaller_roles_and_outsiders_are_refused(api):
    org = make_org()
    event = PublishedEventFactory(
        host=org.manager, organisation=org.organisation, is_paid=True, ticket_price=Decimal("499.00"), capacity=10
    )
    PublishedEventFactory(host=org.manager, is_paid=True, ticket_price=Decimal("299.00"))  # Kabir's own: not listed
    paid_order(event, UserWithProfileFactory(), seats=1)
    r = api.get(_path(org), headers=token_for(org.owner))
    assert r.status_code == 200
    [row] = r.json()["data"]
    assert (row["event_id"], row["gross_earnings"], row["refunds_total"], row["balance"], row["tickets_sold"]) == (
        str(event.id), "499.00", "0.00", "499.00", 1
    )  # fmt: skip
    refused = {
        who: (r.status_code, r.json()["error_code"])
        for who, user in [("manager", org.manager), ("outsider", make_org("nightowls").owner)]
        for r in [api.get(_path(org), headers=token_for(user))]
    }
    assert refused == {"manager": (403, "ORGANISATION_ROLE_TOO_SMALL"), "outsider": (404, "ORGANISATION_NOT_FOUND")}
