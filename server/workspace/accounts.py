"""Accounts: argon2 password hashes (argon2-cffi), password reset links, admins.

Passwords are never stored: only argon2id hashes (argon2-cffi's defaults, rehashed when they change).
A reset link's token is shown once (the CLI prints it where no mail server is configured); only its
SHA-256 is kept, it works once, for RESET_HOURS.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select

from ..domain.errors import CommandError
from ..models import Account, utcnow

MIN_PASSWORD = 10
MAX_PASSWORD = 200
RESET_HOURS = 48
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s]{1,60}$")
_hasher = PasswordHasher()
# Verified against when no account has the email, so a wrong email costs the same time as a wrong password.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))


def clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise CommandError("invalid", "email: this is not an email address")
    return email


def check_password(password: str) -> str:
    if not isinstance(password, str) or not (MIN_PASSWORD <= len(password) <= MAX_PASSWORD):
        raise CommandError("invalid", f"password: must be {MIN_PASSWORD}-{MAX_PASSWORD} characters")
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(check_password(password))


def by_email(session, email: str) -> Account | None:
    return session.scalar(select(Account).where(func.lower(Account.email) == (email or "").strip().lower()))


def create(db, email: str, password: str | None, admin: bool = False) -> dict:
    """A new account; without a password it can only be used through its reset link (returned)."""
    email = clean_email(email)
    hashed = hash_password(password) if password is not None else None
    with db.transaction() as s:
        if by_email(s, email) is not None:
            raise CommandError("conflict", f"An account with the email {email} exists already.")
        acct = Account(email=email, password_hash=hashed, is_admin=bool(admin), session_version=1)
        s.add(acct)
        s.flush()
        out = {"id": acct.id, "email": email, "admin": bool(admin)}
        if hashed is None:
            out["reset_token"] = _new_reset(acct)
    return out


def authenticate(db, email: str, password: str) -> Account | None:
    """The account when the password is right; None otherwise (a missing account takes as long)."""
    with db.transaction() as s:
        acct = by_email(s, email)
        stored = acct.password_hash if acct is not None and acct.password_hash else _DUMMY
        try:
            _hasher.verify(stored, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if acct is None or not acct.password_hash:
            return None
        if _hasher.check_needs_rehash(acct.password_hash):
            acct.password_hash = _hasher.hash(password)
        s.expunge(acct)
        return acct


def _new_reset(acct: Account) -> str:
    token = secrets.token_urlsafe(24)
    acct.reset_hash = hashlib.sha256(token.encode()).hexdigest()
    acct.reset_expires = utcnow() + timedelta(hours=RESET_HOURS)
    return token


def reset_link(db, email: str) -> str:
    """A new password reset token for the account (the older one stops working)."""
    with db.transaction() as s:
        acct = by_email(s, email)
        if acct is None:
            raise CommandError("not_found", f"No account has the email {email}.")
        return _new_reset(acct)


def account_for_reset(db, token: str) -> Account | None:
    if not token or len(token) > 100:
        return None
    with db.reading() as s:
        acct = s.scalar(select(Account).where(Account.reset_hash == hashlib.sha256(token.encode()).hexdigest()))
        if acct is None or acct.reset_expires is None or acct.reset_expires < utcnow():
            return None
        s.expunge(acct)
        return acct


def use_reset(db, token: str, password: str) -> Account:
    """Set the password with a reset link: the link is spent and every older session stops."""
    hashed = hash_password(password)
    with db.transaction() as s:
        acct = s.scalar(select(Account).where(Account.reset_hash == hashlib.sha256((token or "").encode()).hexdigest()))
        if acct is None or acct.reset_expires is None or acct.reset_expires < utcnow():
            raise CommandError("unauthorized", "This reset link is not valid any more. Ask for a new one.")
        acct.password_hash, acct.reset_hash, acct.reset_expires = hashed, None, None
        acct.session_version += 1
        s.flush()
        s.expunge(acct)
        return acct
