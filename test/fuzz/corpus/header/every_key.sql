-- revision: ae10_add_orders
-- down_revision: 3f1c2a9e7b10
-- message: add orders: with a colon in the message
-- create_date: 2024-05-01 12:30:00.123456
-- branch_labels: orders, billing
-- depends_on: 7d4e, audit
-- transactional: false
CREATE TABLE orders (id integer);
