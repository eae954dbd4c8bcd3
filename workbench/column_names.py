"""Column-name conventions, defined once for every audit check and probe.

Checks that cannot know a schema's meaning fall back on names: a money column is named like
one, an email column like one. Each pattern here is a PostgreSQL/Python regular expression
matched against a lower-case column name. SQL checks read them as transaction-local settings
(``workbench.<name>_names``, see :func:`settings`), Python checks import them.
"""

from __future__ import annotations

MONEY_NAMES = r"(price|cost|amount|subtotal|(^|_)total$|balance|(^|_)(fees?|tax|revenue)$|_value$)"
QUANTITY_NAMES = r"(^quantity|^qty_)"
EMAIL_NAMES = r"((^|_)e?mail$|^(from|to|cc|bcc|reply_to)_address$)"
FLAG_NAMES = r"(^(is|has|can|should)_|_(enabled|flag)$)"
# The timestamp a soft delete sets (NULL: the row is live); an exact name, not a pattern.
SOFT_DELETE_COLUMN = "deleted_at"
# Credentials, personal and financial identifiers, health, device and key material: a column so
# named should not be readable through an API role without row level security.
SENSITIVE_NAMES = (
    r"(^|_)(password|passwd|pwd|passphrase|secret|secret_key|private_key|api_?key|auth_key"
    r"|token|jwt|auth_code|session_(id|key|secret)|(recovery|backup|verification)_code|otp"
    r"|two_factor|2fa_(secret|code)|ssn|social_security(_number)?|drivers?_license"
    r"|license_(number|key)|passport_(number|id)|national_id|tax_id|credit_card|card_number"
    r"|cvv|cvc|cvn|bank_account|account_number|routing_number|iban|swift_code|bic"
    r"|(health|medical)_record|patient_id|insurance_number|(health|medical)_insurance"
    r"|treatment|mac_?addr(ess)?|imei|device_uuid|(pgp|gpg|ssh)_key|certificate"
    r"|activation_key|facial_recognition)(_hash|_digest|_encrypted)?$"
)


def settings() -> dict[str, str]:
    """The patterns as settings SQL checks read: ``current_setting('workbench.money_names')``."""
    return {
        "workbench.money_names": MONEY_NAMES,
        "workbench.quantity_names": QUANTITY_NAMES,
        "workbench.email_names": EMAIL_NAMES,
        "workbench.flag_names": FLAG_NAMES,
        "workbench.sensitive_names": SENSITIVE_NAMES,
        "workbench.soft_delete_column": SOFT_DELETE_COLUMN,
    }
