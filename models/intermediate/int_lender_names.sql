-- Every lender printed in a bond table, mapped to its category (財務省 = 財政融資資金 …).
with

bond_balances as (

    select lender_name from {{ ref('stg_ingest__bond_balances') }}

),

bond_issues as (

    select lender_name from {{ ref('stg_ingest__bond_issues') }}

),

names as (

    select lender_name from bond_balances
    union
    select lender_name from bond_issues

),

mapped as (

    {{ longest_pattern_match('names', 'lender_name', ref('ref_lender_categories'), 'lender_category') }}

)

select
    lender_name,
    coalesce(lender_category, 'other') as lender_category
from mapped
where lender_name is not null
