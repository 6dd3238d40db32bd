package dev.yoq.model;

import java.util.Hashtable;

import org.eclipse.persistence.internal.databaseaccess.FieldTypeDefinition;
import org.eclipse.persistence.platform.database.DatabasePlatform;
import org.eclipse.persistence.queries.ValueReadQuery;

/**
 * EclipseLink ships no SQLite platform. The generic one supports only TABLE/AUTO ids, and borrowing MySQL's
 * AUTO_INCREMENT DDL breaks SQLite's rowid aliasing; this small subclass makes IDENTITY columns work.
 * The schema itself is created by migrations, never by EclipseLink DDL generation.
 */
public class SqlitePlatform extends DatabasePlatform {

    @Override
    public boolean supportsIdentity() {
        return true;
    }

    @Override
    public ValueReadQuery buildSelectQueryForIdentity() {
        return new ValueReadQuery("SELECT last_insert_rowid()");
    }

    /** SQLite locks the whole database on write; there is no row lock clause. */
    @Override
    public String getSelectForUpdateString() {
        return "";
    }

    @Override
    public boolean supportsForeignKeyConstraints() {
        return true;
    }

    @Override
    protected Hashtable<Class<?>, FieldTypeDefinition> buildFieldTypes() {
        Hashtable<Class<?>, FieldTypeDefinition> types = super.buildFieldTypes();
        types.put(Long.class, new FieldTypeDefinition("INTEGER", false));
        types.put(Integer.class, new FieldTypeDefinition("INTEGER", false));
        types.put(Boolean.class, new FieldTypeDefinition("INTEGER", false));
        return types;
    }
}
