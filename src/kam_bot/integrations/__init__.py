"""CRMs kam-bot keeps in step with: the port (``crm``), the records a CRM receives (``records``)
and one folder per CRM (``salesforce/``, ``hubspot/``), listed in ``kam_bot.crms``."""
