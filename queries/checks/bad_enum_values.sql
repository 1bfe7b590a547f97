-- Offending rows: values outside the closed vocabularies of the contract.
select id, satisfaction, sentiment, department_level
from items
where (satisfaction is not null and satisfaction not in ('满意', '基本满意', '不满意'))
   or (sentiment is not null and sentiment not in ('正面', '中性', '负面'))
   or (department_level is not null and department_level not in ('市直', '县市区', '其他'))
