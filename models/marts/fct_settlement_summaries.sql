{#-
    A 決算 summary's balance table (決算収支の状況, 実質収支に関する調書 laid out by account): one row
    per printed account and total, from every table whose title the reviewed ref_table_kinds
    calls `settlement`, each column read by the measure its header names
    (int_table_column_concepts): 歳入総額, 歳出総額, 歳入歳出差引額 (形式収支), 翌年度へ繰り越すべき
    財源, 実質収支. 歳入 − 歳出 = 形式収支 and 形式収支 − 繰越財源 = 実質収支 are row identities the
    table engine checks. The account's type comes from the reviewed ref_account_types.
-#}
with

bound_cells as (

    select * from {{ ref('int_bound_table_cells') }}

),

rows_read as (

    {{ table_rows('bound_cells', 'settlement', [
        ('revenue_total', 'revenue_yen'),
        ('expenditure_total', 'expenditure_yen'),
        ('formal_balance', 'formal_balance_yen'),
        ('carryover_funds', 'carryover_funds_yen'),
        ('real_balance', 'real_balance_yen')
    ]) }}

),

named as (

    select
        rows_read.*,
        trim(regexp_replace(rows_read.row_path, '^.*/', '')) as account_name
    from rows_read
    where
        coalesce(rows_read.revenue_yen, rows_read.formal_balance_yen, rows_read.real_balance_yen)
        is not null

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
    named.account_name,
    case when named.is_total_flag = 1 then null else account_types.account_type end as account_type,
    named.is_total_flag = 1 as is_total,
    named.revenue_yen,
    named.expenditure_yen,
    named.formal_balance_yen,
    named.carryover_funds_yen,
    named.real_balance_yen,
    case when named.unresolved_flag = 1 then 'unresolved' else 'ok' end as status
from named
left join account_types
    on named.account_name = account_types.account_name
