package dev.berth.adminui;

import com.vaadin.flow.di.DefaultInstantiator;
import com.vaadin.flow.di.Instantiator;
import com.vaadin.flow.di.InstantiatorFactory;
import com.vaadin.flow.server.VaadinService;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.enterprise.inject.spi.Unmanaged;

/**
 * Lets views take use cases in their constructors: Berth's own UI classes are created through
 * CDI (as unmanaged instances, so nothing is retained after a view is gone); everything else the
 * Vaadin way. Vaadin finds this factory by scanning for implementations of InstantiatorFactory.
 */
public class CdiInstantiatorFactory implements InstantiatorFactory {

    @Override
    public Instantiator createInstantitor(VaadinService service) {
        return new DefaultInstantiator(service) {
            @Override
            public <T> T getOrCreate(Class<T> type) {
                if (type.getPackageName().startsWith(CdiInstantiatorFactory.class.getPackageName())) {
                    return new Unmanaged<>(CDI.current().getBeanManager(), type).newInstance()
                            .produce().inject().postConstruct().get();
                }
                return super.getOrCreate(type);
            }
        };
    }
}
