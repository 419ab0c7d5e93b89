import Testing
@testable import MuseoLab

@Suite struct SQLScriptTests {
    @Test func splitsOnTopLevelSemicolonsOnly() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE t (a text DEFAULT 'x;y', "odd;name" int);
            /* block; /* nested; */ still comment; */
            INSERT INTO t VALUES ('it''s; fine', 1);
            CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $$
            BEGIN
                RETURN 'a;b';
            END
            $$;
            CREATE FUNCTION g() RETURNS text LANGUAGE sql AS $body$ SELECT 'c;d' $body$;
            SELECT E'back\\'slash;', $1::text
            """
        let statements = SQLScript.statements(script)
        #expect(statements.count == 5)
        #expect(statements[0].hasSuffix("\"odd;name\" int)"))
        #expect(statements[1].contains("INSERT INTO t VALUES ('it''s; fine', 1)"))
        #expect(statements[2].contains("RETURN 'a;b';") && statements[2].hasSuffix("$$"))
        #expect(statements[3].hasSuffix("$body$"))
        #expect(statements[4].hasPrefix("SELECT E'back\\'slash;'"))
    }

    @Test func dropsCommentOnlyStatements() {
        #expect(SQLScript.statements("-- nothing here\n;\n  ;").isEmpty)
    }

    @Test func splitsTheShippedMigrations() throws {
        let migrator = try Migrator(folder: ProjectFolders.sql.appendingPathComponent("migrations"), logger: TestLog.logger)
        #expect(migrator.migrations.map(\.version) == migrator.migrations.map(\.version).sorted())
        for migration in migrator.migrations {
            #expect(!SQLScript.statements(migration.sql).isEmpty)
        }
    }
}
