{#- The kind of each table the engine read, from its title through the reviewed ref_table_kinds
    (the longest pattern contained in the title wins; NULL where none is). -#}
with

table_columns as (

    select * from {{ ref('stg_ingest__table_columns') }}

),

titles as (

    select distinct table_title
    from table_columns
    where table_title is not null

),

kinds as (

    {{ longest_pattern_match('titles', 'table_title', ref('ref_table_kinds'), 'table_kind') }}

)

select
    table_title,
    table_kind
from kinds
