{#-
    The rows of a table kind that state a projection (a budget book's 見込): the rows whose
    closing balance is printed under a header holding one of `header_words`, or in a table
    whose title holds one of `title_words`. One rule for the balances the table engine reads
    (int_table_bond_balances, int_table_fund_balances): such a row is `projected`, never an
    actual balance. Selects (document_id, table_id, row_no), one row each.
-#}
{% macro projected_rows(cells, table_kind, header_words, title_words=[]) -%}
    {%- set tests = [] -%}
    {%- for w in header_words -%}
        {%- do tests.append("instr(column_path, '" ~ w ~ "') > 0") -%}
    {%- endfor -%}
    {%- for w in title_words -%}
        {%- do tests.append("instr(coalesce(table_title, ''), '" ~ w ~ "') > 0") -%}
    {%- endfor -%}
    select distinct
        document_id,
        table_id,
        row_no
    from {{ cells }}
    where
        table_kind = '{{ table_kind }}'
        and concept = 'closing_balance'
        and ({{ tests | join(' or ') }})
{%- endmacro %}
