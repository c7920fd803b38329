-- Identities re-run in the warehouse over the landed facts (independently of the checks the
-- extractors made while reading): fund and bond roll-forwards, budget item identities.
with

fund_balances as (

    select * from {{ ref('stg_ingest__fund_balances') }}

),

bond_balances as (

    select * from {{ ref('stg_ingest__bond_balances') }}

),

budget_items as (

    select * from {{ ref('stg_ingest__budget_items') }}

),

item_revisions as (

    select * from {{ ref('stg_ingest__budget_item_revisions') }}

),

fund_roll_forward as (

    select
        document_id,
        municipality_code,
        fiscal_year,
        source_line,
        'sql:fund_roll_forward' as subject,
        fund_name as group_label,
        cast(closing_balance_yen as double) as reported_value,
        cast(opening_balance_yen + deposits_yen - withdrawals_yen as double) as computed_value,
        '前年度末現在高 + 積立額 − 繰入額 = 年度末現在高' as note
    from fund_balances

),

bond_roll_forward as (

    select
        document_id,
        municipality_code,
        fiscal_year,
        source_line,
        'sql:bond_roll_forward' as subject,
        account_name || '/' || lender_name as group_label,
        cast(closing_balance_yen as double) as reported_value,
        cast(
            opening_balance_yen + coalesce(borrowed_yen, 0) - coalesce(repaid_yen, 0) as double
        ) as computed_value,
        '前年度末現在高 + 借入額 − 元金償還額 = 年度末現在高 (an unprinted flow counts as 0)' as note
    from bond_balances
    where breakdown = 'lender' and basis = 'annual'

),

item_identity as (

    select
        document_id,
        municipality_code,
        fiscal_year,
        source_line,
        'sql:budget_item_final' as subject,
        account_name || '/' || side || '/' || cast(item_no as {{ portable_type('varchar') }}) as group_label,
        cast(final_budget_yen as double) as reported_value,
        cast(
            initial_budget_yen + coalesce(revision_total_yen, 0)
            + coalesce(reserve_transfer_yen, 0) as double
        ) as computed_value,
        '当初 + 補正合計 + 予備費充用 = 最終予算額' as note
    from budget_items

),

revision_sums as (

    select
        document_id,
        account_name,
        side,
        item_no,
        sum(amount_yen) as revisions_yen
    from item_revisions
    group by document_id, account_name, side, item_no

),

item_revision_total as (

    select
        budget_items.document_id,
        budget_items.municipality_code,
        budget_items.fiscal_year,
        budget_items.source_line,
        'sql:budget_item_revision_total' as subject,
        budget_items.account_name || '/' || budget_items.side || '/'
        || cast(budget_items.item_no as {{ portable_type('varchar') }}) as group_label,
        cast(budget_items.revision_total_yen as double) as reported_value,
        cast(coalesce(revision_sums.revisions_yen, 0) as double) as computed_value,
        'Σ 第N号補正 = 補正合計' as note
    from budget_items
    left join revision_sums
        on
            budget_items.document_id = revision_sums.document_id
            and budget_items.account_name = revision_sums.account_name
            and budget_items.side = revision_sums.side
            and budget_items.item_no = revision_sums.item_no
    where budget_items.revision_total_yen is not null

),

unioned as (

    select * from fund_roll_forward
    union all
    select * from bond_roll_forward
    union all
    select * from item_identity
    union all
    select * from item_revision_total

)

select
    document_id || ':' || subject || ':' || group_label || ':'
    || cast(source_line as {{ portable_type('varchar') }}) as check_id,
    *
from unioned
