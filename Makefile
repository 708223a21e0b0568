# Translation cycle: extract the English msgids, update the sv and en catalogues, compile.
# The bot compiles catalogues in memory at start, so `make compile` is optional.
PYBABEL ?= .venv/bin/pybabel
PYTHON ?= .venv/bin/python

.PHONY: extract update compile i18n

extract:
	$(PYBABEL) extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location --sort-output \
		--omit-header -o locales/messages.pot .

update: extract
	$(PYBABEL) update -i locales/messages.pot -d locales -D messages \
		--ignore-obsolete --no-fuzzy-matching --width 99
	$(PYTHON) scripts/po_tidy.py locales

compile:
	$(PYBABEL) compile -d locales -D messages --statistics

i18n: update compile
