{#-
    A 繰越計算書 (繰越明許費 / 継続費 / 事故繰越し): one row per printed 事業 and total, from every
    table whose title the reviewed ref_table_kinds calls `carryover`, each column read by the
    measure its header names (int_table_column_concepts): 金額, 翌年度繰越額 and its 財源内訳
    (既収入特定財源, 未収入特定財源 国支出金 / 県支出金 / 地方債 / その他, 一般財源), which sum to
    the 繰越額 (checked by the table engine). The account is the one the title names (the
    longest pattern of the reviewed ref_account_types in it; NULL where it names none).
-#}
with

bound_cells as (

    select * from {{ ref('int_bound_table_cells') }}

),

items as (

    {{ table_rows('bound_cells', 'carryover', [
        ('amount', 'amount_yen'),
        ('carried_over_amount', 'carried_over_yen'),
        ('source_received', 'source_received_yen'),
        ('source_national', 'source_national_yen'),
        ('source_prefectural', 'source_prefectural_yen'),
        ('source_national_prefectural', 'source_national_prefectural_yen'),
        ('source_bonds', 'source_bonds_yen'),
        ('source_other', 'source_other_yen'),
        ('source_general', 'source_general_yen')
    ]) }}

),

titles as (

    select distinct table_title
    from items
    where table_title is not null

),

title_accounts as (

    {{ longest_pattern_match(
        'titles', 'table_title', ref('ref_account_types'), 'account_type', also=['pattern']
    ) }}

)

select
    items.municipality_code,
    items.fiscal_year,
    items.document_id,
    items.source_line,
    items.table_id,
    items.table_title,
    items.row_no,
    items.row_path as item_path,
    case when title_accounts.account_type = 'general' then title_accounts.pattern end as account_name,
    items.is_total_flag = 1 as is_total,
    items.amount_yen,
    items.carried_over_yen,
    items.source_received_yen,
    items.source_national_yen,
    items.source_prefectural_yen,
    items.source_national_prefectural_yen,
    items.source_bonds_yen,
    items.source_other_yen,
    items.source_general_yen,
    case when items.unresolved_flag = 1 then 'unresolved' else 'ok' end as status
from items
left join title_accounts
    on items.table_title = title_accounts.table_title
where items.carried_over_yen is not null or items.amount_yen is not null
