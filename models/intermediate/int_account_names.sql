{#-
    Every account name printed in a budget or bond table, conformed: a part the table splits the
    account into (`下水道事業会計(収益的収支)`) becomes `account_part` and the account keeps one
    name (`下水道事業会計`) across tables, documents and cities (reviewed seed ref_account_parts);
    the conformed name gets its type and whether it belongs to the 普通会計 (ref_account_types;
    the longest matching pattern wins in both seeds).
-#}
with

budget_revisions as (

    select account_name from {{ ref('stg_ingest__budget_revisions') }}

),

budget_items as (

    select account_name from {{ ref('stg_ingest__budget_items') }}

),

bond_balances as (

    select account_name from {{ ref('stg_ingest__bond_balances') }}

),

bond_issues as (

    select account_name from {{ ref('stg_ingest__bond_issues') }}

),

names as (

    select account_name from budget_revisions
    union
    select account_name from budget_items
    union
    select account_name from bond_balances
    union
    select account_name from bond_issues

),

printed as (

    select account_name as printed_account_name
    from names
    where account_name is not null

),

parts as (

    {{ longest_pattern_match('printed', 'printed_account_name', ref('ref_account_parts'), 'account_part') }}

),

conformed as (

    select
        printed_account_name,
        -- the part is dropped only where it is printed as a parenthesised suffix of the name
        case
            when
                account_part is not null
                and instr(printed_account_name, '(' || account_part || ')') > 0
                then trim(replace(printed_account_name, '(' || account_part || ')', ''))
            else printed_account_name
        end as account_name,
        case
            when instr(printed_account_name, '(' || account_part || ')') > 0 then account_part
        end as account_part
    from parts

),

typed as (

    {{ longest_pattern_match(
        'conformed', 'account_name', ref('ref_account_types'), 'account_type', also=['ordinary_account']
    ) }}

)

select
    conformed.printed_account_name,
    conformed.account_name,
    conformed.account_part,
    typed.account_type,
    typed.ordinary_account
from conformed
inner join typed
    on conformed.account_name = typed.account_name
