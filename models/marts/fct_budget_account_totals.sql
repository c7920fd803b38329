{#-
    A budget summary's (予算の概要) 会計別 table: one row per printed account or group of
    accounts and per total (一般会計, 特別会計 (5件), 企業会計 (2件), 総計, 全会計純計), from every
    table whose title the reviewed ref_table_kinds calls `account_totals`, each column read by
    the measure its header names (int_table_column_concepts: `令和8年度当初予算` is this year's
    budget in a FY2026 summary, `令和7年度当初予算` the year before's). A group's count of
    accounts printed with its name (`(5件)`) goes to account_count; the account's type comes
    from the reviewed ref_account_types (the longest pattern in the name).
-#}
with

bound_cells as (

    select * from {{ ref('int_bound_table_cells') }}

),

rows_read as (

    {{ table_rows('bound_cells', 'account_totals', [
        ('current_amount', 'current_yen'),
        ('previous_amount', 'previous_yen'),
        ('change_amount', 'change_yen'),
        ('change_pct', 'change_pct')
    ], unresolved_concepts=['current_amount', 'previous_amount']) }}

),

named as (

    select
        rows_read.*,
        trim(regexp_replace(regexp_replace(rows_read.row_path, '^.*/', ''), '[(][0-9]+件[)]$', ''))
            as account_name,
        cast(nullif(regexp_extract(rows_read.row_path, '[(]([0-9]+)件[)]$', 1), '') as integer)
            as account_count
    from rows_read
    where rows_read.current_yen is not null or rows_read.previous_yen is not null

),

names as (

    select distinct account_name
    from named
    where account_name is not null

),

account_types as (

    {{ longest_pattern_match('names', 'account_name', ref('ref_account_types'), 'account_type') }}

)

select
    named.municipality_code,
    named.fiscal_year,
    named.document_id,
    named.source_line,
    named.table_id,
    named.table_title,
    named.row_no,
    named.row_path as printed_label,
    named.account_name,
    named.account_count,
    case when named.is_total_flag = 1 then null else account_types.account_type end as account_type,
    named.is_total_flag = 1 as is_total,
    named.current_yen,
    named.previous_yen,
    named.change_yen,
    named.change_pct,
    case when named.unresolved_flag = 1 then 'unresolved' else 'ok' end as status
from named
left join account_types
    on named.account_name = account_types.account_name
