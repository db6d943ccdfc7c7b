package org.unirep.notebook;

import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.Map;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * JShell's in-process execution engine, plus class redefinition. When a cell adds an import or
 * redeclares something, JShell recompiles the snippets that may depend on it and asks the engine to
 * redefine their classes; the stock local engine cannot, so JShell loads new classes and every such
 * variable is reset to null (a later cell's {@code spark.sql(...)} then fails). With the kernel's
 * agent present, the classes are redefined in place and the variables keep their values.
 */
final class InProcessExecution implements ExecutionControlProvider {
    @Override
    public String name() {
        return "unirep-in-process";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
        return new Control();
    }

    static final class Control extends LocalExecutionControl {
        @Override
        public void redefine(ClassBytecodes[] classes) throws ClassInstallException, NotImplementedException, EngineTerminationException {
            Instrumentation inst = KernelAgent.instrumentation();
            if (inst == null || !inst.isRedefineClassesSupported()) {
                super.redefine(classes);  // not implemented: JShell replaces the classes (values reset)
                return;
            }
            try {
                ClassDefinition[] defs = new ClassDefinition[classes.length];
                for (int i = 0; i < classes.length; i++) {
                    defs[i] = new ClassDefinition(findClass(classes[i].name()), classes[i].bytecodes());
                }
                inst.redefineClasses(defs);
            } catch (ReflectiveOperationException | UnmodifiableClassException | LinkageError
                     | UnsupportedOperationException e) {
                // A changed shape (new fields or methods) cannot be redefined: JShell then replaces the class.
                throw new ClassInstallException("redefine: " + e, new boolean[classes.length]);
            }
        }
    }
}
