with

accounts as (

    select * from {{ ref('int_account_names') }}

)

select
    account_name,
    account_type
from accounts
