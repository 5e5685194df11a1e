-- revision: bbbb00000002
-- down_revision: aaaa00000001
-- message: index posts.user_id

CREATE INDEX idx_posts_user_id ON posts (user_id);
