-- 0001_bouncy_lenny_balinger.sql (example: the reviewed second migration's shape)
-- api_tokens, activities, notifications, email_history (sql/baseline/030). Shares the 0001_
-- prefix with 0001_auth_user_trigger.sql (RISK-OPS-001).

CREATE TABLE public.api_tokens (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    name                text        NOT NULL,
    hashed_token        text        NOT NULL,
    token_prefix        text        NOT NULL,
    user_id             uuid        NOT NULL,
    organization_id     uuid        NOT NULL,
    scopes              jsonb       DEFAULT '["read"]'::jsonb NOT NULL,
    expires_at          timestamp with time zone,
    last_used_at        timestamp with time zone,
    last_used_ip        text,
    created_at          timestamp with time zone DEFAULT now() NOT NULL,
    revoked_at          timestamp with time zone,
    revoked_by          uuid,                                                   -- fact 5
    revoked_reason      text
);

CREATE TABLE public.activities (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    organization_id     uuid        NOT NULL,                                   -- fact 2: no FK
    entity_type         public.activity_entity_type NOT NULL,                  -- fact 6
    entity_id           uuid        NOT NULL,                                   -- fact 6
    action              public.activity_action NOT NULL,
    created_by          uuid,
    changes             jsonb,
    metadata            jsonb,
    description         text,
    created_at          timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.notifications (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    organization_id     uuid        NOT NULL,                                   -- fact 2: no FK
    user_id             uuid        NOT NULL,
    type                public.notification_type NOT NULL,
    title               text        NOT NULL,
    message             text        NOT NULL,
    status              public.notification_status DEFAULT 'pending' NOT NULL,
    sent_at             timestamp with time zone,
    read_at             timestamp with time zone,
    dismissed_at        timestamp with time zone,
    failure_reason      text,
    data                jsonb       DEFAULT '{}'::jsonb,
    created_at          timestamp with time zone DEFAULT now() NOT NULL,
    updated_at          timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.email_history (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
    organization_id     uuid        NOT NULL,                                   -- fact 2: no FK
    sender_id           uuid,
    from_address        text        NOT NULL,
    to_address          text        NOT NULL,
    customer_id         uuid,
    subject             text        NOT NULL,
    body_html           text,                                                   -- fact 11
    body_text           text,                                                   -- fact 11
    status              public.email_status DEFAULT 'pending' NOT NULL,
    campaign_id         uuid,                                                   -- fact 6
    template_id         text,                                                   -- fact 6
    opened_at           timestamp with time zone,
    clicked_at          timestamp with time zone,
    sent_at             timestamp with time zone,
    delivered_at        timestamp with time zone,
    bounced_at          timestamp with time zone,
    bounce_reason       text,
    metadata            jsonb       DEFAULT '{}'::jsonb,
    created_at          timestamp with time zone DEFAULT now() NOT NULL
);

-- ---------------------------------------------------------------------------------------------
-- Foreign keys, exactly as declared
-- ---------------------------------------------------------------------------------------------
ALTER TABLE public.api_tokens
    ADD CONSTRAINT api_tokens_user_id_users_id_fk
    FOREIGN KEY (user_id) REFERENCES public.users (id) ON DELETE CASCADE;
ALTER TABLE public.api_tokens
    ADD CONSTRAINT api_tokens_organization_id_organizations_id_fk
    FOREIGN KEY (organization_id) REFERENCES public.organizations (id) ON DELETE CASCADE;
ALTER TABLE public.api_tokens
    ADD CONSTRAINT api_tokens_revoked_by_users_id_fk
    FOREIGN KEY (revoked_by) REFERENCES public.users (id) ON DELETE NO ACTION;

ALTER TABLE public.notifications
    ADD CONSTRAINT notifications_user_id_users_id_fk
    FOREIGN KEY (user_id) REFERENCES public.users (id) ON DELETE CASCADE;

ALTER TABLE public.email_history
    ADD CONSTRAINT email_history_sender_id_users_id_fk
    FOREIGN KEY (sender_id) REFERENCES public.users (id) ON DELETE SET NULL;
ALTER TABLE public.email_history
    ADD CONSTRAINT email_history_customer_id_customers_id_fk
    FOREIGN KEY (customer_id) REFERENCES public.customers (id) ON DELETE SET NULL;

-- ---------------------------------------------------------------------------------------------
-- Indexes, by their exact names
-- ---------------------------------------------------------------------------------------------
-- api_tokens (fact 5: nothing on revoked_by)
CREATE INDEX api_tokens_user_id_idx         ON public.api_tokens USING btree (user_id);
CREATE INDEX api_tokens_organization_id_idx ON public.api_tokens USING btree (organization_id);
CREATE INDEX api_tokens_hashed_token_idx    ON public.api_tokens USING btree (hashed_token);
CREATE INDEX api_tokens_prefix_idx          ON public.api_tokens USING btree (token_prefix);
CREATE INDEX api_tokens_active_idx          ON public.api_tokens USING btree (organization_id, revoked_at, expires_at);

-- activities
CREATE INDEX idx_activities_entity   ON public.activities USING btree (organization_id, entity_type, entity_id);
CREATE INDEX idx_activities_user     ON public.activities USING btree (organization_id, created_by);
CREATE INDEX idx_activities_timeline ON public.activities USING btree (organization_id, created_at);
CREATE INDEX idx_activities_action   ON public.activities USING btree (organization_id, action);

-- notifications
CREATE INDEX idx_notifications_user_status  ON public.notifications USING btree (user_id, status);
CREATE INDEX idx_notifications_user_created ON public.notifications USING btree (user_id, created_at);
CREATE INDEX idx_notifications_org_user     ON public.notifications USING btree (organization_id, user_id);

-- email_history
CREATE INDEX idx_email_history_org_created ON public.email_history USING btree (organization_id, created_at);
CREATE INDEX idx_email_history_org_status  ON public.email_history USING btree (organization_id, status);
CREATE INDEX idx_email_history_customer    ON public.email_history USING btree (customer_id);
CREATE INDEX idx_email_history_sender      ON public.email_history USING btree (sender_id);
CREATE INDEX idx_email_history_campaign    ON public.email_history USING btree (campaign_id);
CREATE INDEX idx_email_history_template    ON public.email_history USING btree (template_id);

-- ---------------------------------------------------------------------------------------------
-- Row level security on api_tokens (fact 3), policies as written: bare auth.uid(), a correlated
-- EXISTS, two permissive FOR ALL policies OR-ed together. api_tokens_owner_access has no
-- WITH CHECK, so for writes its USING expression doubles as the check.
-- ---------------------------------------------------------------------------------------------
ALTER TABLE public.api_tokens ENABLE ROW LEVEL SECURITY;

CREATE POLICY api_tokens_org_isolation ON public.api_tokens
    AS PERMISSIVE FOR ALL TO authenticated
    USING (organization_id = (SELECT users.organization_id FROM public.users WHERE users.auth_id = auth.uid()))
    WITH CHECK (organization_id = (SELECT users.organization_id FROM public.users WHERE users.auth_id = auth.uid()));

CREATE POLICY api_tokens_owner_access ON public.api_tokens
    AS PERMISSIVE FOR ALL TO authenticated
    USING (
        user_id = (SELECT users.id FROM public.users WHERE users.auth_id = auth.uid())
        OR EXISTS (
            SELECT 1
            FROM public.users
            WHERE users.auth_id = auth.uid()
              AND users.role = ANY (ARRAY['owner'::public.user_role, 'admin'::public.user_role])
              AND users.organization_id = api_tokens.organization_id
        )
    );
