{#-
    One row per printed row of the tables of one kind (ref_table_kinds), each measure its columns
    are bound to (int_table_column_concepts) a column: the pivot every typed mart over the table
    engine starts from, so that the rows of a 繰越計算書, a 給与費明細書 or a 款別比較表 are read
    one way.

    `cells`: the relation of bound cells (int_bound_table_cells, imported by the model);
    `measures`: a list of (concept, column) pairs, the concept a string or a list of concepts
    that fill one column. A column named `…_yen` takes the cell's value in yen (`value_yen`, the
    printed value times its unit); any other takes the value as printed (counts, rates).
    `unresolved_concepts`: the concepts whose cells make a row `unresolved` when one is not ok
    (default: any cell of the row). `measured_cells_only`: read only the cells of the measures,
    so that the row's first line and status come from them alone.
    The group key keeps the municipality, year, document, table and row; the row's label path,
    title, first source line and total flag come with it. Plain aggregates: DuckDB and Spark.
-#}
{% macro table_rows(cells, table_kind, measures, unresolved_concepts=none, measured_cells_only=false) -%}
    {%- set ns = namespace(all=[]) -%}
    {%- for concepts, column in measures -%}
        {%- set ns.all = ns.all + ([concepts] if concepts is string else concepts) -%}
    {%- endfor -%}
    select
        municipality_code,
        fiscal_year,
        document_id,
        table_id,
        row_no,
        min(source_line) as source_line,
        max(table_title) as table_title,
        max(row_path) as row_path,
        max(case when is_total then 1 else 0 end) as is_total_flag,{% for concepts, column in measures %}
        max(
            case when {{ _concept_test(concepts) }} then {{ 'value_yen' if column.endswith('_yen') else 'value' }} end
        ) as {{ column }},{% endfor %}
        max(
            case when {{ _concept_test(unresolved_concepts) ~ ' and ' if unresolved_concepts is not none }}status <> 'ok'
                then 1 else 0 end
        ) as unresolved_flag
    from {{ cells }}
    where
        table_kind = '{{ table_kind }}'{% if measured_cells_only %}
        and {{ _concept_test(ns.all) }}{% endif %}
    group by municipality_code, fiscal_year, document_id, table_id, row_no
{%- endmacro %}


{#- `concept = 'x'` for one concept, `concept in ('x', 'y')` for several. -#}
{% macro _concept_test(concepts) -%}
    {%- if concepts is string -%}
        concept = '{{ concepts }}'
    {%- else -%}
        concept in ({% for c in concepts %}'{{ c }}'{{ ', ' if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}
