{#- A 6-digit 全国地方公共団体コード whose last digit is the JIS X 0401 check digit
    (weights 6,5,4,3,2 over the first five digits, modulus 11). -#}
{% test valid_municipality_code(model, column_name) %}

    select *
    from {{ model }}
    where
        {{ column_name }} is not null
        and (
            length({{ column_name }}) != 6
            or cast(substr({{ column_name }}, 6, 1) as integer) != (
                11 - (
                    cast(substr({{ column_name }}, 1, 1) as integer) * 6
                    + cast(substr({{ column_name }}, 2, 1) as integer) * 5
                    + cast(substr({{ column_name }}, 3, 1) as integer) * 4
                    + cast(substr({{ column_name }}, 4, 1) as integer) * 3
                    + cast(substr({{ column_name }}, 5, 1) as integer) * 2
                ) % 11
            ) % 10
        )

{% endtest %}
