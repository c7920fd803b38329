-- The issues listed in 借入状況 sum, per account and lender, to that lender's 借入額.
with

bond_issues as (

    select * from {{ ref('fct_bond_issues') }}

),

bond_balances as (

    select * from {{ ref('fct_bond_balances') }}
    where breakdown = 'lender' and basis = 'annual'

),

issued as (

    select
        document_id,
        account_name,
        lender_name,
        sum(amount_yen) as issued_yen
    from bond_issues
    group by document_id, account_name, lender_name

)

select
    bond_balances.document_id,
    bond_balances.account_name,
    bond_balances.lender_name,
    bond_balances.borrowed_yen,
    issued.issued_yen
from bond_balances
left join issued
    on
        bond_balances.document_id = issued.document_id
        and bond_balances.account_name = issued.account_name
        and bond_balances.lender_name = issued.lender_name
where coalesce(bond_balances.borrowed_yen, 0) != coalesce(issued.issued_yen, 0)
