"""Account insight: pure rules over what the bot records (seeds 000-004).

- ``thresholds``  the numbers the rules use (from settings; defaults documented there);
- ``coverage``    decision-chain coverage and its named rules ("single-threaded" ...);
- ``allocation``  priority (intention x power) against the time an account actually got;
- ``promise_record`` kept-on-time rates, ours and theirs, and customer promises to chase;
- ``stalls``      deals with no procurement-stage move while the visits go on;
- ``prices``      an account's prices over time against the price list.
"""
