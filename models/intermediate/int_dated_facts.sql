{#-
    Every figure of the typed marts stamped with the year it is about, so that documents can be
    compared with each other: a report's opening balance is the previous year's closing balance,
    a budget book's 前年度 column is the previous book's 本年度, a budget book's 地方債 table
    projects the balances at the end of this and the previous year.

    One row per (document, subject, subject_key, measure_fiscal_year, basis):
    - subject: bond_balance (an account's 地方債 at year end: its total row, else the sum of the
      lines of one breakdown, lender before purpose), bond_purpose_balance (one purpose line),
      fund_balance (a fund at year end), budget_item (a 款 of a budget book), local_allocation_tax,
      salary_cost (a 給与費明細書 line's 合計, by class and 区分), account_budget (an account's
      budget for the year: a budget summary's 会計別 row, and a budget book's 歳入合計 restated as
      the budget of the account its title names, the general account where it names none);
      carryover_funds (翌年度へ繰り越すべき財源: a 決算 summary's, and the year's 繰越計算書: the
      一般財源 plus 既収入特定財源 of each statement's 計 (繰越明許費, 事故繰越し, 継続費; the
      reviewed ref_carryover_statements), summed, the funds of the year carried into the next);
    - is_restatement: a figure stated under another subject of the same document, restated so
      that a document of another kind can be paired with it (a book's 歳入合計 as its account's
      budget); two restatements are never paired with each other (their own subject pairs them);
    - basis: `actual` (what a report states for a past date), `projected` (見込額 of a budget
      book), `budget` (an amount budgeted for the year);
    - terms: the lines that make the value (document lines), for the check's note.
    Reads the marts because the figures compared are exactly those the marts publish.
-#}
with

bond_balances as (

    select * from {{ ref('fct_bond_balances') }}

),

fund_balances as (

    select * from {{ ref('fct_fund_balances') }}

),

budget_book_items as (

    select * from {{ ref('fct_budget_book_items') }}

),

allocation_tax as (

    select * from {{ ref('fct_local_allocation_tax') }}

),

salary_costs as (

    select * from {{ ref('fct_salary_costs') }}

),

account_totals as (

    select * from {{ ref('fct_budget_account_totals') }}

),

account_types as (

    select * from {{ ref('ref_account_types') }}

),

settlement_summaries as (

    select * from {{ ref('fct_settlement_summaries') }}

),

carryover_year_facts as (

    select * from {{ ref('int_carryover_year_funds') }}

),

-- the account a budget book's 款 table is of: the one its title names (longest pattern of
-- ref_account_types), the general account where the title names none (a book prints the
-- general account's tables without naming it, another account's under its name)
book_titles as (

    select distinct table_title
    from budget_book_items
    where table_title is not null

),

book_title_accounts as (

    {{ longest_pattern_match(
        'book_titles', 'table_title', ref('ref_account_types'), 'account_type', also=['pattern']
    ) }}

),

general_account as (

    select min(pattern) as pattern
    from account_types
    where account_type = 'general'

),

book_accounts as (

    select
        book_title_accounts.table_title,
        coalesce(book_title_accounts.pattern, general_account.pattern) as account_key
    from book_title_accounts
    cross join general_account
    where coalesce(book_title_accounts.account_type, 'general') = 'general'

),

bond_lines as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        source_line,
        coalesce(account_name, '') as account_key,
        breakdown,
        coalesce(conformed_purpose_name, lender_name) as line_name,
        opening_balance_yen,
        closing_balance_yen,
        basis,
        status,
        case
            when coalesce(purpose_name, lender_name) in ('計', '合計', '総計') then 1
            when coalesce(purpose_name, lender_name) like '%会計合計' then 1
            else 0
        end as is_total_line,
        case
            when breakdown = 'lender' then 1
            when breakdown = 'purpose' then 2
            else 9
        end as breakdown_rank
    from bond_balances
    where breakdown in ('lender', 'purpose')

),

bond_breakdowns as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        account_key,
        breakdown,
        basis,
        max(is_total_line) as has_total_line,
        min(breakdown_rank) as breakdown_rank
    from bond_lines
    group by municipality_code, fiscal_year, document_id, account_key, breakdown, basis

),

-- one breakdown per account and basis: the table's total row if it prints one
chosen_breakdowns as (

    select *
    from (
        select
            bond_breakdowns.*,
            row_number() over (
                partition by bond_breakdowns.document_id, bond_breakdowns.account_key, bond_breakdowns.basis
                order by bond_breakdowns.has_total_line desc, bond_breakdowns.breakdown_rank asc
            ) as pick
        from bond_breakdowns
    ) as ranked
    where pick = 1

),

bond_terms as (

    select bond_lines.*
    from bond_lines
    inner join chosen_breakdowns
        on
            bond_lines.document_id = chosen_breakdowns.document_id
            and bond_lines.account_key = chosen_breakdowns.account_key
            and bond_lines.breakdown = chosen_breakdowns.breakdown
            and bond_lines.basis = chosen_breakdowns.basis
            and bond_lines.is_total_line = chosen_breakdowns.has_total_line

),

bond_totals as (

    select
        municipality_code,
        fiscal_year,
        document_id,
        account_key,
        basis,
        min(source_line) as source_line,
        max(source_line) as last_source_line,
        sum(opening_balance_yen) as opening_balance_yen,
        sum(closing_balance_yen) as closing_balance_yen,
        count(*) as term_count,
        max(case when status <> 'ok' then 1 else 0 end) as unresolved_flag,
        'lines ' || cast(min(source_line) as {{ portable_type('varchar') }})
        || case
            when count(*) > 1
                then
                    '–' || cast(max(source_line) as {{ portable_type('varchar') }})
                    || ' (' || cast(count(*) as {{ portable_type('varchar') }}) || ' lines added)'
            else ''
        end as terms
    from bond_terms
    group by municipality_code, fiscal_year, document_id, account_key, basis

),

-- purpose lines named once in their table (a name printed under two parents is no key)
bond_purpose_lines as (

    select *
    from (
        select
            bond_lines.*,
            count(*)
                over (
                    partition by
                        bond_lines.document_id, bond_lines.account_key, bond_lines.line_name, bond_lines.basis
                )
                as name_count
        from bond_lines
        where bond_lines.breakdown = 'purpose' and bond_lines.is_total_line = 0
    ) as counted
    where name_count = 1

),

-- each printed line once, with the figure it states for the document's year and the one it
-- states for the year before (an opening balance, a 前年度 column), where it prints one
stated as (

    -- an account's bond balance: closing at the end of the document's year (a budget book
    -- projects it), opening at the end of the year before (a budget book's 前年度末 is a 見込 too)
    select
        municipality_code,
        document_id,
        fiscal_year,
        source_line,
        last_source_line,
        'bond_balance' as subject,
        account_key as subject_key,
        case when basis = 'projected' then 'projected' else 'actual' end as basis,
        closing_balance_yen as this_year_yen,
        case when basis in ('annual', 'projected') then opening_balance_yen end as year_before_yen,
        false as is_restatement,
        term_count,
        unresolved_flag,
        terms
    from bond_totals
    union all
    {{ printed_line_fact(
        'bond_purpose_lines',
        'bond_purpose_balance',
        "account_key || '/' || line_name",
        "case when basis = 'projected' then 'projected' else 'actual' end",
        "closing_balance_yen",
        year_before="case when basis in ('annual', 'projected') then opening_balance_yen end"
    ) }}
    union all
    {{ printed_line_fact(
        'fund_balances',
        'fund_balance',
        "fund_name",
        "case when basis = 'projected' then 'projected' else 'actual' end",
        "closing_balance_yen",
        year_before="opening_balance_yen"
    ) }}
    union all
    {{ printed_line_fact(
        'budget_book_items',
        'budget_item',
        "side || '/' || case when is_total then '合計' else conformed_item_name end",
        "'budget'",
        "current_yen",
        year_before="previous_yen"
    ) }}
    union all
    {{ printed_line_fact(
        'allocation_tax',
        'local_allocation_tax',
        "item_name",
        "'actual'",
        "amount_yen",
        year_before="prior_year_amount_yen"
    ) }}
    union all
    -- a 給与費明細書 line named by its class and 区分 (特別職/議員): a 本年度 line is this
    -- year's budget, a 前年度 line the year before's
    {{ printed_line_fact(
        'salary_costs',
        'salary_cost',
        "staff_class || '/' || category_name",
        "'budget'",
        "case when period = 'current' then total_cost_yen end",
        year_before="case when period = 'previous' then total_cost_yen end",
        where="staff_class is not null and category_name is not null"
    ) }}
    union all
    -- a budget summary's 会計別 row: this year's budget and the year before's as it prints them
    {{ printed_line_fact(
        'account_totals',
        'account_budget',
        "account_name",
        "'budget'",
        "current_yen",
        year_before="previous_yen"
    ) }}
    union all
    -- a budget book's 歳入合計 (else 歳出合計: the first printed is kept) as its account's budget
    select
        budget_book_items.municipality_code,
        budget_book_items.document_id,
        budget_book_items.fiscal_year,
        budget_book_items.source_line,
        budget_book_items.source_line as last_source_line,
        'account_budget' as subject,
        book_accounts.account_key as subject_key,
        'budget' as basis,
        budget_book_items.current_yen as this_year_yen,
        budget_book_items.previous_yen as year_before_yen,
        true as is_restatement,
        1 as term_count,
        case when budget_book_items.status <> 'ok' then 1 else 0 end as unresolved_flag,
        'line ' || cast(budget_book_items.source_line as {{ portable_type('varchar') }})
        || ' (' || budget_book_items.side || ' total)' as terms
    from budget_book_items
    inner join book_accounts
        on budget_book_items.table_title = book_accounts.table_title
    where budget_book_items.is_total and budget_book_items.side is not null
    union all
    -- a 決算 summary's 翌年度へ繰り越すべき財源 of an account
    {{ printed_line_fact(
        'settlement_summaries',
        'carryover_funds',
        "account_name",
        "'actual'",
        "carryover_funds_yen",
        where="not is_total and carryover_funds_yen is not null"
    ) }}
    union all
    -- the year's 繰越計算書 (each statement's 計: the carried-over funds in hand, 一般財源 +
    -- 既収入特定財源), summed and restated as the year's 繰り越すべき財源 (statements of one
    -- year are parts, never paired together)
    select
        municipality_code,
        document_id,
        fiscal_year,
        source_line,
        source_line as last_source_line,
        'carryover_funds' as subject,
        account_name as subject_key,
        'actual' as basis,
        funds_yen as this_year_yen,
        cast(null as bigint) as year_before_yen,
        true as is_restatement,
        statement_count as term_count,
        unresolved_flag,
        terms
    from carryover_year_facts

),

years_back as (

    select 0 as years_back
    union all
    select 1 as years_back

),

facts as (

    select
        stated.municipality_code,
        stated.document_id,
        stated.fiscal_year as document_fiscal_year,
        stated.source_line,
        stated.last_source_line,
        stated.subject,
        stated.subject_key,
        stated.fiscal_year - years_back.years_back as measure_fiscal_year,
        stated.basis,
        case when years_back.years_back = 0 then stated.this_year_yen else stated.year_before_yen end
            as value_yen,
        stated.is_restatement,
        stated.term_count,
        stated.unresolved_flag,
        stated.terms
    from stated
    cross join years_back
    where
        (years_back.years_back = 0 and stated.this_year_yen is not null)
        or (years_back.years_back = 1 and stated.year_before_yen is not null)

),

-- a document printing one key twice for one year keeps its first line (a figure it states
-- under the subject itself before a restated one)
deduplicated as (

    select *
    from (
        select
            facts.*,
            row_number() over (
                partition by
                    facts.document_id,
                    facts.subject,
                    facts.subject_key,
                    facts.measure_fiscal_year,
                    facts.basis
                order by facts.is_restatement, facts.source_line
            ) as line_rank
        from facts
    ) as ranked
    where line_rank = 1

)

select
    municipality_code,
    document_id,
    document_fiscal_year,
    source_line,
    last_source_line,
    subject,
    subject_key,
    measure_fiscal_year,
    basis,
    value_yen,
    is_restatement,
    term_count,
    unresolved_flag = 1 as has_unresolved_terms,
    terms
from deduplicated
