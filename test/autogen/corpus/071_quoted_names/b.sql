CREATE TABLE "order" (id INTEGER PRIMARY KEY, "group" TEXT NOT NULL DEFAULT 'g', "first name" TEXT, "select" INTEGER DEFAULT 0); CREATE INDEX "order by group" ON "order"("group");
