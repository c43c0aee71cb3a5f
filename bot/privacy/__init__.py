"""Privacy: consent, anonymity, and the rights to a copy and to be forgotten.

Public surface:
- `consent.set_consent`, `consent.is_opted_out`: a customer's own switch.
- `anonymity.answer_key`: the key an anonymous answer is stored under instead of its delivery.
- `forget.forget_person`, `export.write_export`, `retention.purge_old_comments`.
- `subjects.without_suppressed`: people who asked to be forgotten are never surveyed again.
- `subjects.staff_pseudonym`: what stands for a forgotten staff member where they acted.
"""
