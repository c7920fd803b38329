{#- The kind of each table the engine read (the longest pattern contained in the text wins):
    from its title through the reviewed ref_table_kinds, else from its row header (the words
    over its row labels, `特別会計等`, which say what the rows are where a table prints no
    title of its own) through the reviewed ref_row_header_kinds, a vocabulary of its own (a
    title word such as 市債 in a row header names a 明細's rows, not a 地方債 table); NULL where
    neither names a kind. One row per table. -#}
with

table_columns as (

    select * from {{ ref('stg_ingest__table_columns') }}

),

tables as (

    select distinct
        document_id,
        table_id,
        table_title,
        row_header
    from table_columns

),

titles as (

    select distinct table_title
    from tables
    where table_title is not null

),

title_kinds as (

    {{ longest_pattern_match('titles', 'table_title', ref('ref_table_kinds'), 'table_kind') }}

),

row_headers as (

    select distinct row_header
    from tables
    where row_header is not null

),

row_header_kinds as (

    {{ longest_pattern_match('row_headers', 'row_header', ref('ref_row_header_kinds'), 'table_kind') }}

)

select
    tables.document_id,
    tables.table_id,
    tables.table_title,
    tables.row_header,
    coalesce(title_kinds.table_kind, row_header_kinds.table_kind) as table_kind,
    case
        when title_kinds.table_kind is not null then 'title'
        when row_header_kinds.table_kind is not null then 'row_header'
    end as kind_from
from tables
left join title_kinds
    on tables.table_title = title_kinds.table_title
left join row_header_kinds
    on tables.row_header = row_header_kinds.row_header
