-- 010_enums.sql
-- Reproduces: the 25 enum types of the reviewed schema, as the initial migration
-- (0000_organic_frightful_four) and the second one (0001_bouncy_lenny_balinger) leave them
-- (the spec lists them together, not per migration; all are created here before any table).
-- Deliberately kept defects: none that live in the types themselves. Fact 10 (quotes.status is
-- free text, not an enum) is kept in 020. Observation, not a numbered fact: address_type,
-- api_token_scope (api_tokens.scopes is jsonb), empty_state_type, issue_priority, issue_status,
-- purchase_order_status and warranty_status are declared but no column of the 17 tables uses them.

CREATE TYPE public.activity_action AS ENUM
    ('created', 'updated', 'deleted', 'viewed', 'exported', 'shared', 'assigned', 'commented');
CREATE TYPE public.activity_entity_type AS ENUM
    ('customer', 'contact', 'order', 'opportunity', 'product', 'inventory', 'supplier',
     'warranty', 'issue', 'user');
CREATE TYPE public.address_type AS ENUM
    ('billing', 'shipping', 'service', 'headquarters');
CREATE TYPE public.api_token_scope AS ENUM
    ('read', 'write', 'admin');
CREATE TYPE public.customer_size AS ENUM
    ('micro', 'small', 'medium', 'large', 'enterprise');
CREATE TYPE public.customer_status AS ENUM
    ('prospect', 'active', 'inactive', 'suspended', 'blacklisted');
CREATE TYPE public.customer_type AS ENUM
    ('individual', 'business', 'government', 'non_profit');
CREATE TYPE public.email_status AS ENUM
    ('pending', 'sent', 'delivered', 'opened', 'clicked', 'bounced', 'failed');
CREATE TYPE public.empty_state_type AS ENUM
    ('no_data', 'filtered_empty', 'search_empty', 'permission_denied', 'error');
CREATE TYPE public.inventory_status AS ENUM
    ('available', 'allocated', 'sold', 'damaged', 'returned', 'quarantined');
CREATE TYPE public.issue_priority AS ENUM
    ('low', 'medium', 'high', 'critical');
CREATE TYPE public.issue_status AS ENUM
    ('open', 'in_progress', 'pending', 'resolved', 'closed');
CREATE TYPE public.movement_type AS ENUM
    ('receive', 'allocate', 'deallocate', 'pick', 'ship', 'adjust', 'return', 'transfer');
CREATE TYPE public.notification_status AS ENUM
    ('pending', 'sent', 'read', 'dismissed', 'failed');
CREATE TYPE public.notification_type AS ENUM
    ('quote', 'order', 'issue', 'warranty', 'shipment', 'payment', 'customer', 'product',
     'inventory', 'user', 'system');
CREATE TYPE public.opportunity_stage AS ENUM
    ('new', 'qualified', 'proposal', 'negotiation', 'won', 'lost');
CREATE TYPE public.order_status AS ENUM
    ('draft', 'confirmed', 'picking', 'picked', 'shipped', 'delivered', 'cancelled');
CREATE TYPE public.payment_status AS ENUM
    ('pending', 'partial', 'paid', 'refunded', 'overdue');
CREATE TYPE public.product_type AS ENUM
    ('physical', 'service', 'digital', 'bundle');
CREATE TYPE public.purchase_order_status AS ENUM
    ('draft', 'sent', 'acknowledged', 'partial', 'received', 'cancelled');
CREATE TYPE public.tax_type AS ENUM
    ('gst', 'gst_free', 'input_taxed', 'export');
CREATE TYPE public.user_role AS ENUM
    ('owner', 'admin', 'manager', 'sales', 'operations', 'support', 'viewer');
CREATE TYPE public.user_status AS ENUM
    ('active', 'invited', 'suspended', 'deactivated');
CREATE TYPE public.user_type AS ENUM
    ('staff', 'installer');
CREATE TYPE public.warranty_status AS ENUM
    ('active', 'expired', 'voided', 'transferred');
