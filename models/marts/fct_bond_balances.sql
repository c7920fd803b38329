{#- the columns of the mart, in order: both readings give them alike -#}
{%- set columns = [
    'municipality_code', 'fiscal_year', 'document_id', 'source_line', 'account_name',
    'breakdown', 'purpose_name', 'lender_name', 'opening_balance_yen', 'borrowed_yen',
    'repaid_yen', 'closing_balance_yen', 'basis', 'status', 'note',
] -%}
with

bond_balances as (

    select * from {{ ref('stg_ingest__bond_balances') }}

),

table_bond_balances as (

    select * from {{ ref('int_table_bond_balances') }}

),

extracted as (

    select
        {{ columns | join(',\n        ') }}
    from bond_balances

),

extracted_documents as (

    select distinct document_id as extracted_document_id
    from bond_balances

),

-- a document whose bond tables the bonds extractor read keeps that reading; any other
-- document's bond tables come from the table engine's bound columns
from_tables as (

    select
        {{ columns | join(',\n        ') }}
    from table_bond_balances
    where document_id not in (select e.extracted_document_id from extracted_documents as e)

),

combined as (

    select * from extracted
    union all
    select * from from_tables

),

account_names as (

    select * from {{ ref('int_account_names') }}

),

purpose_names as (

    select * from {{ ref('ref_bond_purpose_names') }}

)

select
    combined.municipality_code,
    combined.fiscal_year,
    combined.document_id,
    combined.source_line,
    account_names.account_name,
    account_names.account_part,
    account_names.printed_account_name,
    combined.breakdown,
    combined.purpose_name,
    coalesce(purpose_names.conformed_purpose_name, combined.purpose_name) as conformed_purpose_name,
    combined.lender_name,
    combined.opening_balance_yen,
    combined.borrowed_yen,
    combined.repaid_yen,
    combined.closing_balance_yen,
    combined.basis,
    combined.status,
    combined.note
from combined
left join account_names
    on combined.account_name = account_names.printed_account_name
left join purpose_names
    on combined.purpose_name = purpose_names.printed_name
