{#-
    The city-year panel: one row per municipality × fiscal year × measure × basis × document
    that states it. Measures are conformed across cities (the same name, scope and unit
    everywhere); projections (見込) are kept apart from actual figures by `basis`; where two
    documents state one measure both rows are kept, and `documents_stating` /
    `documents_agree` compare them. `check_status` is the worst status of the checks on the
    lines the value was read from (its roll-forward, its total, the outside figure).
-#}
with

facts as (

    select * from {{ ref('int_dated_facts') }}

),

budget_revisions as (

    select * from {{ ref('fct_budget_revisions') }}

),

accounts as (

    select * from {{ ref('dim_account') }}

),

fund_names as (

    select distinct
        municipality_code,
        fund_name,
        fund_category
    from {{ ref('int_fund_names') }}

),

reconciliation as (

    select * from {{ ref('rpt_reconciliation') }}

),

account_totals as (

    select * from {{ ref('fct_budget_account_totals') }}

),

settlement_summaries as (

    select * from {{ ref('fct_settlement_summaries') }}

),

general_budgets as (

    select
        budget_revisions.*,
        max(budget_revisions.revision_seq) over (
            partition by budget_revisions.document_id, budget_revisions.printed_account_name
        ) as last_revision_seq
    from budget_revisions
    inner join accounts
        on budget_revisions.account_name = accounts.account_name
    where accounts.account_type = 'general'

),

measures as (

    -- 一般会計 当初予算: the initial line of the account's revision table
    select
        municipality_code,
        fiscal_year,
        'general_account_initial_budget' as measure,
        'budget' as basis,
        document_id,
        source_line,
        source_line as last_source_line,
        amount_yen as value_yen
    from general_budgets
    where revision_seq = 0 and amount_yen is not null
    union all
    -- 一般会計 最終予算: 予算現額 after the last revision printed
    select
        municipality_code,
        fiscal_year,
        'general_account_final_budget' as measure,
        'budget' as basis,
        document_id,
        source_line,
        source_line as last_source_line,
        budget_after_yen as value_yen
    from general_budgets
    where revision_seq = last_revision_seq and budget_after_yen is not null
    union all
    -- 一般会計 当初予算 as a budget summary's 会計別 table states it (a 予算の概要 is of the
    -- 当初予算): this year's column and the year before's
    select
        facts.municipality_code,
        facts.measure_fiscal_year as fiscal_year,
        'general_account_initial_budget' as measure,
        facts.basis,
        facts.document_id,
        facts.source_line,
        facts.last_source_line,
        facts.value_yen
    from facts
    inner join account_totals
        on
            facts.document_id = account_totals.document_id
            and facts.source_line = account_totals.source_line
    where
        facts.subject = 'account_budget'
        and not facts.is_restatement
        and account_totals.account_type = 'general'
    union all
    -- 一般会計 実質収支 as a 決算 summary states it
    select
        municipality_code,
        fiscal_year,
        'general_account_real_balance' as measure,
        'actual' as basis,
        document_id,
        source_line,
        source_line as last_source_line,
        real_balance_yen as value_yen
    from settlement_summaries
    where account_type = 'general' and real_balance_yen is not null
    union all
    -- 予算書 歳入合計 (a budget book's 款 table), this year's and the year before's column
    select
        municipality_code,
        measure_fiscal_year as fiscal_year,
        'budget_book_revenue_total' as measure,
        basis,
        document_id,
        source_line,
        last_source_line,
        value_yen
    from facts
    where subject = 'budget_item' and subject_key = 'revenue/合計'
    union all
    -- 地方債現在高: the 普通会計's accounts at year end (actual), a budget book's 見込 apart
    select
        facts.municipality_code,
        facts.measure_fiscal_year as fiscal_year,
        'bond_balance' as measure,
        facts.basis,
        facts.document_id,
        min(facts.source_line) as source_line,
        max(facts.last_source_line) as last_source_line,
        sum(facts.value_yen) as value_yen
    from facts
    left join accounts
        on facts.subject_key = accounts.account_name
    where
        facts.subject = 'bond_balance'
        and (accounts.ordinary_account or (facts.subject_key = '' and facts.basis = 'projected'))
    group by facts.municipality_code, facts.measure_fiscal_year, facts.basis, facts.document_id
    union all
    -- 基金残高 by category (財政調整基金 / 減債基金 / その他特定目的基金) at year end
    select
        facts.municipality_code,
        facts.measure_fiscal_year as fiscal_year,
        'fund_balance_' || fund_names.fund_category as measure,
        facts.basis,
        facts.document_id,
        min(facts.source_line) as source_line,
        max(facts.last_source_line) as last_source_line,
        sum(facts.value_yen) as value_yen
    from facts
    inner join fund_names
        on
            facts.municipality_code = fund_names.municipality_code
            and facts.subject_key = fund_names.fund_name
    where facts.subject = 'fund_balance'
    group by
        facts.municipality_code, facts.measure_fiscal_year, fund_names.fund_category,
        facts.basis, facts.document_id
    union all
    -- 地方交付税 and its parts, as printed
    select
        municipality_code,
        measure_fiscal_year as fiscal_year,
        case subject_key
            when '地方交付税' then 'local_allocation_tax'
            when '普通交付税' then 'ordinary_allocation_tax'
            when '特別交付税' then 'special_allocation_tax'
        end as measure,
        basis,
        document_id,
        source_line,
        last_source_line,
        value_yen
    from facts
    where subject = 'local_allocation_tax' and subject_key in ('地方交付税', '普通交付税', '特別交付税')

),

checked as (

    select
        measures.municipality_code,
        measures.fiscal_year,
        measures.measure,
        measures.basis,
        measures.document_id,
        measures.source_line,
        measures.value_yen,
        max(
            case reconciliation.status
                when 'mismatch' then 4
                when 'unverifiable' then 3
                when 'expected_mismatch' then 2
                when 'ok' then 1
            end
        ) as worst_status_rank,
        count(reconciliation.check_id) as check_count
    from measures
    left join reconciliation
        on
            measures.document_id = reconciliation.document_id
            and reconciliation.source_line between measures.source_line and measures.last_source_line
    group by
        measures.municipality_code, measures.fiscal_year, measures.measure, measures.basis,
        measures.document_id, measures.source_line, measures.value_yen

),

compared as (

    select
        checked.*,
        count(*) over (
            partition by checked.municipality_code, checked.fiscal_year, checked.measure, checked.basis
        ) as documents_stating,
        max(checked.value_yen)
            over (partition by checked.municipality_code, checked.fiscal_year, checked.measure, checked.basis)
        - min(checked.value_yen)
            over (partition by checked.municipality_code, checked.fiscal_year, checked.measure, checked.basis)
            as value_spread_yen
    from checked

)

select
    municipality_code,
    fiscal_year,
    measure,
    case measure
        when 'general_account_initial_budget' then '一般会計 当初予算額'
        when 'general_account_final_budget' then '一般会計 最終予算額 (予算現額)'
        when 'general_account_real_balance' then '一般会計 実質収支'
        when 'budget_book_revenue_total' then '予算書 歳入合計'
        when 'bond_balance' then '地方債現在高'
        when 'fund_balance_fiscal_adjustment' then '基金残高 財政調整基金'
        when 'fund_balance_debt_reduction' then '基金残高 減債基金'
        when 'fund_balance_specific_purpose' then '基金残高 特定目的基金'
        when 'local_allocation_tax' then '地方交付税'
        when 'ordinary_allocation_tax' then '普通交付税'
        when 'special_allocation_tax' then '特別交付税'
    end as measure_label_ja,
    basis,
    cast(value_yen as bigint) as value_yen,
    document_id,
    source_line,
    case worst_status_rank
        when 4 then 'mismatch'
        when 3 then 'unverifiable'
        when 2 then 'expected_mismatch'
        when 1 then 'ok'
    end as check_status,
    cast(check_count as integer) as check_count,
    cast(documents_stating as integer) as documents_stating,
    value_spread_yen <= 500 as documents_agree
from compared
