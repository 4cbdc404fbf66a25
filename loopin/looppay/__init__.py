"""LoopPay: Loopin credits on a double-entry ledger (not Apple Wallet passes: those are `loopin.wallet`).

For other packages (concessions, parking, marketplace, tickets), the whole interface:

    from loopin.looppay.selectors import credit_balance          # Decimal a person can spend now
    from loopin.looppay.spending import spend, refund_spend

    with transaction.atomic():                                   # your order and its payment together
        order = ConcessionOrder.objects.create(...)
        spend(user=buyer, amount=order.total, key=f"concession-order:{order.id}",
              purpose="concessions", reference=order.id)         # INSUFFICIENT_CREDITS (409): nothing posted
    ...
    refund_spend(key=f"concession-order:{order.id}")             # all of it back, once
    refund_spend(key=f"concession-order:{order.id}", amount=Decimal("40.00"),
                 refund_key=f"concession-refund:{refund.id}")     # a part, once per refund_key

Keys are idempotency keys: a retried call with the same key and the same payload returns the first entry; the same
key with another amount, purpose, reference or payer is IDEMPOTENCY_KEY_REUSED (409). Amounts are Decimal rupees
with at most two decimals. To charge a card for something that is not a ticket order, use
`loopin.payments.charges` (a Charge for a purpose + reference, fulfilled by a registered handler exactly once).

Inside: `models` (Account, JournalEntry, Line), `ledger.post` (the one posting service: balanced lines, row locks in
id order, never below zero, idempotent, cached balance + version), `spending`, `selectors`.
"""
