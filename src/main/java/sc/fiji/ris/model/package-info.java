/**
 * DJL blocks of the RIS network: the FCN encoder, the ConvLSTM cell, the mask and confidence heads, the
 * network itself ({@link sc.fiji.ris.model.RisNetwork}), its configuration and the PyTorch engine start-up. Must not
 * import {@code ij.*}, {@code org.scijava.command}, {@code java.awt} or {@code javax.swing}.
 */
package sc.fiji.ris.model;
