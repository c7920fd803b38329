-- 歳入 and 歳出 final budgets of an account are equal (public enterprises excepted: their
-- 収益的 / 資本的 parts are not balanced by design).
with

budget_items as (

    select * from {{ ref('fct_budget_items') }}

),

accounts as (

    select * from {{ ref('dim_account') }}

),

sides as (

    select
        budget_items.document_id,
        budget_items.printed_account_name,
        sum(case when budget_items.side = 'revenue' then budget_items.final_budget_yen end)
            as revenue_yen,
        sum(case when budget_items.side = 'expenditure' then budget_items.final_budget_yen end)
            as expenditure_yen
    from budget_items
    inner join accounts
        on budget_items.account_name = accounts.account_name
    where accounts.account_type != 'public_enterprise'
    group by budget_items.document_id, budget_items.printed_account_name

)

select * from sides
where revenue_yen != expenditure_yen
