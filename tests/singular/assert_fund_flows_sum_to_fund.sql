-- A fund's 積立額内訳 / 繰入額内訳 / 現在高内訳 sum to its 積立額 / 繰入額 / 年度末現在高.
with

fund_balances as (

    select * from {{ ref('fct_fund_balances') }}

),

fund_flows as (

    select * from {{ ref('fct_fund_flows') }}
    where status = 'ok'

),

sums as (

    select
        document_id,
        fund_name,
        flow_type,
        sum(amount_yen) as breakdown_yen
    from fund_flows
    group by document_id, fund_name, flow_type

)

select
    sums.document_id,
    sums.fund_name,
    sums.flow_type,
    sums.breakdown_yen,
    case sums.flow_type
        when 'deposit' then fund_balances.deposits_yen
        when 'withdrawal' then fund_balances.withdrawals_yen
        else fund_balances.closing_balance_yen
    end as fund_yen
from sums
inner join fund_balances
    on
        sums.document_id = fund_balances.document_id
        and sums.fund_name = fund_balances.fund_name
where
    sums.breakdown_yen != case sums.flow_type
        when 'deposit' then fund_balances.deposits_yen
        when 'withdrawal' then fund_balances.withdrawals_yen
        else fund_balances.closing_balance_yen
    end
