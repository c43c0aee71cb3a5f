"""Answers: a customer's clicks on a pulse, stored once and shown back to them.

Public surface:
- `recording.record_answer` (a score click), `recording.add_comment`, `recording.comment_target`,
  `recording.authorised_delivery`, `recording.check_answerer` (only a delivery's recipient may
  answer it).
- `opt_out.opt_out_from_pulse`: "Stop these surveys" on a pulse.
- `comment_modal.comment_modal`: the comment modal and its length limit.
- `history.import_history`: `responses import`, answers given in other survey tools.
- `listeners.register`: score, comment and opt-out clicks.
"""
