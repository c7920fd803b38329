-- Every fund of every municipality, mapped to its category (財政調整 / 減債 / 特定目的).
with

fund_balances as (

    select
        municipality_code,
        fund_name
    from {{ ref('stg_ingest__fund_balances') }}

),

fund_flows as (

    select
        municipality_code,
        fund_name
    from {{ ref('stg_ingest__fund_flows') }}

),

-- (the table engine's funds of the documents the funds extractor did not read, as
-- fct_fund_balances takes them)
table_fund_balances as (

    select
        municipality_code,
        fund_name
    from {{ ref('int_table_fund_balances') }}
    where document_id not in (select f.document_id from {{ ref('stg_ingest__fund_balances') }} as f)

),

funds as (

    select
        municipality_code,
        fund_name
    from fund_balances
    union
    select
        municipality_code,
        fund_name
    from fund_flows
    union
    select
        municipality_code,
        fund_name
    from table_fund_balances

),

names as (

    select distinct fund_name from funds

),

mapped as (

    {{ longest_pattern_match('names', 'fund_name', ref('ref_fund_categories'), 'fund_category') }}

)

select
    funds.municipality_code,
    funds.fund_name,
    coalesce(mapped.fund_category, 'specific_purpose') as fund_category
from funds
inner join mapped
    on funds.fund_name = mapped.fund_name
where funds.fund_name is not null
