-- A small multi-tenant schema whose profile hands some tables to its own generator
-- (tests/test_seed_handover.py, generators in billing_generators.py): bills and their lines
-- are made together (a bill's total is the sum of its lines), the catalog makes the rest,
-- payments (catalog-made) point at handed bills, and bills point at catalog-made customers.
CREATE TABLE accounts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id uuid NOT NULL REFERENCES accounts (id),
    name text NOT NULL,
    email text
);

CREATE TABLE bills (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    customer_id uuid NOT NULL REFERENCES customers (id),
    number integer NOT NULL,
    total numeric(12, 2) NOT NULL,
    memo text NOT NULL,                 -- the generator leaves it out: the catalog fills it
    issued_at timestamptz NOT NULL,
    UNIQUE (account_id, number)
);

CREATE TABLE bill_lines (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    bill_id uuid NOT NULL REFERENCES bills (id),
    amount numeric(12, 2) NOT NULL CHECK (amount > 0)
);

CREATE TABLE payments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id uuid NOT NULL REFERENCES accounts (id),
    bill_id uuid NOT NULL REFERENCES bills (id),
    paid_cents bigint NOT NULL CHECK (paid_cents > 0)
);
