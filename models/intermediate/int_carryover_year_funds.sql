{#-
    The funds an account carries out of a year by its 繰越計算書 (one row per municipality,
    fiscal year and account): each statement's 計 (the largest total a document prints for it; a
    明細書's 計 rows are per 項, within it) gives its carried-over funds in hand, 一般財源 +
    既収入特定財源; the year's statements (繰越明許費, 事故繰越し, 継続費: the reviewed
    ref_carryover_statements, by the title's longest pattern) are summed, as a 決算 counts its
    翌年度へ繰り越すべき財源. Where two documents state one statement (a report and its corrected
    reissue), one counts, the last by document_id (the manifest states no issue date). The statement carrying most names the row (document, line);
    `terms` lists every statement's line, with its document where it is another.
-#}
with

carryover_items as (

    select * from {{ ref('fct_carryover_items') }}

),

carryover_statement_names as (

    select * from {{ ref('ref_carryover_statements') }}

),

-- which of the year's statements a 繰越計算書 is (繰越明許費, 事故繰越し, 継続費): the
-- reviewed pattern its title names (a title naming none is a statement of its own kind)
carryover_titles as (

    select distinct table_title
    from carryover_items
    where table_title is not null

),

carryover_statements as (

    {{ longest_pattern_match(
        'carryover_titles', 'table_title', 'carryover_statement_names', 'statement', also=['statement_name']
    ) }}

),

-- each total row of a 繰越計算書 with the statement its title names and its carried-over
-- funds in hand (一般財源 + 既収入特定財源)
statement_totals as (

    select
        carryover_items.*,
        coalesce(carryover_statements.statement, 'carryover') as statement,
        coalesce(carryover_statements.statement_name, '繰越計算書') as statement_name,
        coalesce(carryover_items.source_general_yen, 0)
        + coalesce(carryover_items.source_received_yen, 0) as funds_yen
    from carryover_items
    left join carryover_statements
        on carryover_items.table_title = carryover_statements.table_title
    where
        carryover_items.is_total
        and carryover_items.account_name is not null
        and coalesce(carryover_items.source_general_yen, carryover_items.source_received_yen) is not null

),

-- a statement's 計: the largest total a document prints for it (a 明細書's 計 rows are per 項,
-- within it)
carryover_totals as (

    select *
    from (
        select
            statement_totals.*,
            row_number() over (
                partition by
                    statement_totals.document_id,
                    statement_totals.account_name,
                    statement_totals.statement
                order by statement_totals.carried_over_yen desc, statement_totals.source_line asc
            ) as total_rank
        from statement_totals
    ) as ranked
    where total_rank = 1

),

-- the funds an account carries out of a year: the sum over the year's statements, each
-- document's own (繰越明許費 + 事故繰越し + 継続費, as a 決算 counts its 繰越財源); where two
-- documents state one statement (a report and its corrected reissue), one counts: the last by
-- document_id (the manifest states no issue date), named in the terms
carryover_statement_years as (

    select *
    from (
        select
            carryover_totals.*,
            row_number() over (
                partition by
                    carryover_totals.municipality_code,
                    carryover_totals.fiscal_year,
                    carryover_totals.account_name,
                    carryover_totals.statement
                order by carryover_totals.document_id desc
            ) as document_rank
        from carryover_totals
    ) as ranked
    where document_rank = 1

),

-- the statement carrying most names the year's fact; the others' documents are in its terms
carryover_ranked as (

    select
        carryover_statement_years.*,
        row_number() over (
            partition by
                carryover_statement_years.municipality_code,
                carryover_statement_years.fiscal_year,
                carryover_statement_years.account_name
            order by
                carryover_statement_years.carried_over_yen desc,
                carryover_statement_years.document_id asc,
                carryover_statement_years.source_line asc
        ) as statement_rank
    from carryover_statement_years

)

select
    municipality_code,
    fiscal_year,
    account_name,
    max(case when statement_rank = 1 then document_id end) as document_id,
    max(case when statement_rank = 1 then source_line end) as source_line,
    sum(funds_yen) as funds_yen,
    count(*) as statement_count,
    max(case when status <> 'ok' then 1 else 0 end) as unresolved_flag,
    {{ portable_string_agg(
        "case when statement_rank = 1 then '' else document_id || ' ' end"
        ~ " || 'line ' || cast(source_line as " ~ portable_type('varchar') ~ ")"
        ~ " || ' (' || statement_name || ' 計: 一般財源 + 既収入特定財源)'",
        "' + '",
        'statement_rank'
    ) }} as terms
from carryover_ranked
group by municipality_code, fiscal_year, account_name
