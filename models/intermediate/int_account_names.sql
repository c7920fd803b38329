-- Every account name printed in a budget or bond table, mapped to its type through the
-- reviewed pattern seed (longest matching pattern wins).
with

budget_revisions as (

    select account_name from {{ ref('stg_ingest__budget_revisions') }}

),

budget_items as (

    select account_name from {{ ref('stg_ingest__budget_items') }}

),

bond_balances as (

    select account_name from {{ ref('stg_ingest__bond_balances') }}

),

bond_issues as (

    select account_name from {{ ref('stg_ingest__bond_issues') }}

),

names as (

    select account_name from budget_revisions
    union
    select account_name from budget_items
    union
    select account_name from bond_balances
    union
    select account_name from bond_issues

),

mapped as (

    {{ longest_pattern_match('names', 'account_name', ref('ref_account_types'), 'account_type') }}

)

select * from mapped
where account_name is not null
