"""Telling people: the in-app inbox and who wants what (:mod:`~azad.notify.inbox`,
:mod:`~azad.notify.prefs`), and the e-mail outbox sent in the background with retries
(:mod:`~azad.notify.mailer`). What is worth telling, and to whom, is the review domain's
(:mod:`azad.review.events`)."""
